// Prints fresh production secrets for `wrangler secret put`: an ES256 signing key set and an
// admin key. Nothing is written to disk. Usage: npx tsx scripts/generate-keys.ts [--keys 2]
import { generateAdminKey, generateSigningKeySet } from "./lib/dev-secrets";

const countArg = process.argv.indexOf("--keys");
const count = countArg > 0 ? Number(process.argv[countArg + 1]) : 1;
if (!Number.isInteger(count) || count < 1 || count > 5) {
  console.error("--keys takes a whole number from 1 to 5");
  process.exit(2);
}

console.log("JWT_SIGNING_KEYS (private; the first key signs):");
console.log(await generateSigningKeySet(count));
console.log("\nADMIN_API_KEY:");
console.log(generateAdminKey());
