import { describe, expect, it } from "vitest";
import { formatDevVar, formatDevVars, parseDevVars } from "../../scripts/lib/dev-vars";

// `.dev.vars` is written by `npm run dev` and read back by wrangler (dotenv) and by the next
// `npm run dev` (util.parseEnv): every value must survive the round trip byte for byte.
const pem =
  "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n";
const rows: [string, string][] = [
  ["a plain token", "adm_Zm9vYmFyLWJhel8xMjM"],
  ["a URL", "http://127.0.0.1:9702"],
  ["an empty value", ""],
  [
    "JSON with quotes and an escaped newline",
    JSON.stringify({ private_key: pem, token_uri: "http://x/token" }),
  ],
  ["a PEM key with real newlines", pem],
  ["a value with spaces and a hash", "two words # not a comment"],
];

describe("formatDevVar", () => {
  it.each(rows)("round-trips %s", (_name, value) => {
    expect(parseDevVars(formatDevVar("KEY", value))).toEqual({ KEY: value });
  });

  it("round-trips a whole file with comments and several groups", () => {
    const vars = Object.fromEntries(rows.map(([, value], i) => [`VAR_${i}`, value]));
    const text = formatDevVars([
      { comment: "first group\nwith two comment lines", vars },
      { comment: "second", vars: { OTHER: "x" } },
    ]);
    expect(parseDevVars(text)).toEqual({ ...vars, OTHER: "x" });
  });

  it("refuses a name that is not an environment variable name", () => {
    expect(() => formatDevVar("not-a-name", "x")).toThrow();
  });

  it("refuses a value it could not write safely", () => {
    expect(() => formatDevVar("KEY", `it's\n"quoted"`)).toThrow();
  });
});
