/**
 * `npm run -s id-token -- --sub alice [--email a@example.com] [--nonce n] [--expires-in 600]`
 *
 * Prints an ID token from the fake OIDC issuer that `npm run dev` runs (control API on
 * 127.0.0.1:9700), ready for `POST /v1/auth/oidc`. Only the token goes to stdout, so
 * `TOKEN=$(npm run -s id-token -- --sub alice)` works.
 */
import { parseArgs } from "node:util";

const CONTROL_URL = process.env.OUTPOST_FAKES_URL ?? "http://127.0.0.1:9700";

const USAGE =
  "usage: npm run -s id-token -- --sub <subject> [--email <email>] [--nonce <nonce>] [--expires-in <s>]";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sub: { type: "string" },
      email: { type: "string" },
      nonce: { type: "string" },
      "expires-in": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help || !values.sub) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const request: Record<string, unknown> = { sub: values.sub };
  if (values.email !== undefined) request.email = values.email;
  if (values.nonce !== undefined) request.nonce = values.nonce;
  if (values["expires-in"] !== undefined) {
    const seconds = Number(values["expires-in"]);
    if (!Number.isInteger(seconds)) throw new Error("--expires-in must be a whole number of seconds");
    request.expiresIn = seconds;
  }

  let res: Response;
  try {
    res = await fetch(`${CONTROL_URL}/oidc/id-token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
    });
  } catch {
    throw new Error(`the fake issuer is not running at ${CONTROL_URL}: start \`npm run dev\` first`);
  }
  if (!res.ok) throw new Error(`the fake issuer refused: ${res.status} ${await res.text()}`);
  const { idToken } = (await res.json()) as { idToken: string };
  process.stdout.write(`${idToken}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
