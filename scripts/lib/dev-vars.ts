import { parseEnv } from "node:util";

/**
 * Reading and writing `.dev.vars` (dotenv syntax, read by wrangler's dotenv and by Node's
 * `util.parseEnv`, which agree on the subset written here).
 */

/** One `KEY=value` line that both parsers read back as exactly `value`. */
export function formatDevVar(key: string, value: string): string {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(key)) throw new Error(`not a variable name: ${key}`);
  if (/^[A-Za-z0-9_./:@,+-]*$/.test(value)) return `${key}=${value}`;
  // Single quotes keep everything literal (JSON with its own \n escapes stays intact), but cannot
  // hold a newline or a single quote; double quotes turn \n into a newline (PEM keys).
  if (!value.includes("'") && !value.includes("\n")) return `${key}='${value}'`;
  if (/["\\]/.test(value)) throw new Error(`${key}: cannot write a value with both newlines and quotes`);
  return `${key}="${value.replace(/\n/g, "\\n")}"`;
}

/** A whole `.dev.vars` file: a header comment, then groups of variables with their comments. */
export function formatDevVars(groups: { comment: string; vars: Record<string, string> }[]): string {
  const lines = [
    "# Local secrets and overrides for `wrangler dev`, written by `npm run dev` (git-ignored).",
    "# Delete this file to get fresh ones; see .dev.vars.example for what each name means.",
  ];
  for (const group of groups) {
    lines.push("", ...group.comment.split("\n").map((l) => `# ${l}`));
    for (const [key, value] of Object.entries(group.vars)) lines.push(formatDevVar(key, value));
  }
  return `${lines.join("\n")}\n`;
}

export function parseDevVars(text: string): Record<string, string> {
  return parseEnv(text) as Record<string, string>;
}
