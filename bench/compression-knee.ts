/**
 * Finds the knee of the compression curve inside workerd: brotli quality 1..11 and gzip level
 * 1..9 (node:zlib under nodejs_compat, exactly what the compression middleware calls) on
 * realistic home-screen JSON of several sizes. Prints a Markdown table per size.
 *
 *   npx tsx bench/compression-knee.ts
 *
 * Timing uses performance.now() inside the Worker, which advances during CPU work locally (it is
 * frozen in production), so these are local CPU costs, comparable with each other.
 */
import { Miniflare } from "miniflare";

/** A tiny deterministic PRNG (mulberry32): every run measures the same bytes. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  "call plan buy milk review draft send invoice book flight fix bug ship release write notes " +
  "meet team check report update budget pick up kids water plants renew passport pay rent " +
  "prepare slides read chapter clean kitchen order parts schedule dentist backup laptop " +
  "reply email design screen test build deploy weekend groceries birthday gift train tickets"
).split(" ");
const TAGS = ["home", "work", "urgent", "later", "errand", "family", "health", "finance"];

function sentence(rand: () => number, min: number, max: number): string {
  const n = min + Math.floor(rand() * (max - min + 1));
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(WORDS[Math.floor(rand() * WORDS.length)] ?? "task");
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function uuid(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** A record value as the demo collections declare them (tasks with images and tags, notes). */
export interface FixtureRecord {
  collection: "tasks" | "notes";
  key: string;
  value: Record<string, unknown>;
}

/** `n` realistic records: mostly tasks (some with an image and tags), a few notes. */
export function fixtureRecords(n: number, seed = 42): FixtureRecord[] {
  const rand = prng(seed);
  const out: FixtureRecord[] = [];
  const base = 1_767_225_600_000;
  for (let i = 0; i < n; i++) {
    if (i % 5 === 4) {
      const paragraphs = 1 + Math.floor(rand() * 3);
      const body = Array.from({ length: paragraphs }, () =>
        Array.from({ length: 3 + Math.floor(rand() * 4) }, () => `${sentence(rand, 6, 14)}.`).join(" "),
      ).join("\n\n");
      out.push({ collection: "notes", key: uuid(rand), value: { title: sentence(rand, 2, 5), body } });
      continue;
    }
    const value: Record<string, unknown> = {
      title: sentence(rand, 3, 8),
      done: rand() < 0.3,
    };
    if (rand() < 0.7) value.dueAt = base + Math.floor(rand() * 30 * 86_400_000);
    if (rand() < 0.6) value.imageUrl = `https://images.example.com/u/${uuid(rand)}.jpg`;
    if (rand() < 0.6) {
      value.tags = TAGS.filter(() => rand() < 0.25);
    }
    out.push({ collection: "tasks", key: uuid(rand), value });
  }
  return out;
}

/** The untailored home screen (every field, every record) in the contract's shape. */
export function fixtureHomeScreen(n: number, seed = 42): Record<string, unknown> {
  const spaceIds = [uuid(prng(seed + 1)), uuid(prng(seed + 2)), uuid(prng(seed + 3))];
  const records = fixtureRecords(n, seed);
  return {
    user: { id: uuid(prng(seed + 4)), email: "ada@example.com", anonymous: false },
    spaces: spaceIds.map((id, i) => ({
      id: i === 0 ? "me" : id,
      name: ["Personal", "Family", "Work"][i],
      role: i === 0 ? "owner" : "editor",
      recordCount: 20 + i * 7,
    })),
    recent: records.map((r, i) => ({
      space: spaceIds[i % 3],
      collection: r.collection,
      key: r.key,
      version: 1000 - i,
      ...r.value,
    })),
    unreadCount: 2,
    config: { minVersion: "3.0.0", flags: { newOnboarding: true, compactHome: false } },
  };
}

// The probe worker: compresses the posted body `n` times with the named method and level.
const PROBE = `
import zlib from "node:zlib";
export default {
  async fetch(request) {
    const url = new URL(request.url);
    const method = url.searchParams.get("method");
    const level = Number(url.searchParams.get("level"));
    const n = Number(url.searchParams.get("n") ?? "20");
    const data = new Uint8Array(await request.arrayBuffer());
    const once = () => method === "br"
      ? zlib.brotliCompressSync(data, { params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: level,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.byteLength,
          [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT } })
      : zlib.gzipSync(data, { level });
    let size = once().byteLength; // warm-up
    // The local clock ticks in whole milliseconds: loop until enough of them have passed.
    const started = performance.now();
    let runs = 0;
    while (runs < n || performance.now() - started < 200) {
      size = once().byteLength;
      runs++;
    }
    const ms = (performance.now() - started) / runs;
    return Response.json({ size, ms });
  },
};`;

interface Row {
  method: string;
  level: number;
  size: number;
  ratio: number;
  ms: number;
}

export async function measureKnee(sizes: number[] = [10, 30, 60, 300]): Promise<Map<number, Row[]>> {
  const mf = new Miniflare({
    modules: true,
    script: PROBE,
    compatibilityDate: "2026-04-01",
    compatibilityFlags: ["nodejs_compat"],
  });
  const results = new Map<number, Row[]>();
  try {
    const url = await mf.ready;
    for (const n of sizes) {
      const body = JSON.stringify(fixtureHomeScreen(n));
      const bytes = new TextEncoder().encode(body).byteLength;
      const rows: Row[] = [];
      const plan: [string, number][] = [
        ...Array.from({ length: 11 }, (_, i) => ["br", i + 1] as [string, number]),
        ...[1, 4, 6, 9].map((l) => ["gzip", l] as [string, number]),
      ];
      for (const [method, level] of plan) {
        const iterations = method === "br" && level >= 10 ? 3 : 10;
        const res = await mf.dispatchFetch(
          new URL(`/?method=${method}&level=${level}&n=${iterations}`, url),
          {
            method: "POST",
            body,
          },
        );
        const { size, ms } = (await res.json()) as { size: number; ms: number };
        rows.push({ method, level, size, ratio: size / bytes, ms });
      }
      results.set(bytes, rows);
    }
  } finally {
    await mf.dispose();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await measureKnee();
  for (const [bytes, rows] of results) {
    console.log(`\n### ${bytes.toLocaleString("en")} bytes of home-screen JSON\n`);
    console.log("| method | level | bytes | ratio | ms per call |");
    console.log("|---|---|---|---|---|");
    for (const r of rows) {
      console.log(
        `| ${r.method} | ${r.level} | ${r.size.toLocaleString("en")} | ${r.ratio.toFixed(3)} | ${r.ms.toFixed(3)} |`,
      );
    }
  }
}
