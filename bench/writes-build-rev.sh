#!/usr/bin/env bash
# Builds Outpost as it was at a git revision, for `BENCH_WRITES_BEFORE` (bench/writes.bench.ts):
#   bench/writes-build-rev.sh c59d88a   → prints the path of that build's index.js
# The revision is exported (git archive) into a temporary directory that borrows this checkout's
# node_modules, so nothing in the worktree changes. The build runs with its own wrangler.toml;
# the bench starts it with this checkout's migrations, so pick a revision with the same schema.
set -euo pipefail
rev="${1:?usage: $0 <git revision>}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${TMPDIR:-/tmp}/outpost-build-$(git -C "$root" rev-parse --short "$rev")"
rm -rf "$dir" && mkdir -p "$dir"
git -C "$root" archive "$rev" | tar -x -C "$dir"
ln -s "$root/node_modules" "$dir/node_modules"
# The bundle goes under this checkout's dist/ (ignored by git): workerd loads modules only from
# below the directory it was started in.
out="$root/dist/rev-$(basename "$dir" | sed 's/^outpost-build-//')"
(cd "$dir" && npx wrangler deploy --dry-run --outdir "$out" >/dev/null 2>&1)
echo "$out/index.js"
