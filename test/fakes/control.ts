import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { closeServer, guarded, listen, parseJsonObject, readBody, sendJson } from "./http-util";
import type { IdTokenAlg, IdTokenRequest, OidcFake } from "./oidc";

export interface ControlDeps {
  oidc: OidcFake;
}

const ALGS: readonly IdTokenAlg[] = ["RS256", "ES256", "HS256", "none"];

function parseIdTokenRequest(body: Record<string, unknown>): IdTokenRequest | string {
  const { sub, aud, iss, nonce, email, expiresIn, iat, alg, signWith } = body;
  if (typeof sub !== "string" || sub === "") return "sub (non-empty string) is required";
  const audOk =
    aud === undefined ||
    typeof aud === "string" ||
    (Array.isArray(aud) && aud.every((a): a is string => typeof a === "string"));
  if (!audOk) return "aud must be a string or an array of strings";
  for (const [key, value] of Object.entries({ iss, nonce, email })) {
    if (value !== undefined && typeof value !== "string") return `${key} must be a string`;
  }
  for (const [key, value] of Object.entries({ expiresIn, iat })) {
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value))) {
      return `${key} must be a number`;
    }
  }
  if (alg !== undefined && !ALGS.includes(alg as IdTokenAlg)) return `alg must be one of ${ALGS.join(", ")}`;
  if (signWith !== undefined && signWith !== "known" && signWith !== "unknown-key") {
    return 'signWith must be "known" or "unknown-key"';
  }
  return body as unknown as IdTokenRequest;
}

/** The control API tests and QA use to drive the fakes (and, later, the QA page). */
export async function startControlServer(
  deps: ControlDeps,
  host: string,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const route = `${req.method ?? "GET"} ${url.pathname}`;
    if (route === "POST /oidc/id-token") {
      const body = parseJsonObject(await readBody(req));
      if (!body) return sendJson(res, 400, { error: "expected a JSON object" });
      const parsed = parseIdTokenRequest(body);
      if (typeof parsed === "string") return sendJson(res, 400, { error: parsed });
      return sendJson(res, 200, { idToken: await deps.oidc.mintIdToken(parsed) });
    }
    return sendJson(res, 404, { error: `no such control route: ${route}` });
  }

  const server = createServer(guarded(handle));
  const url = await listen(server, host, port);
  return { url, close: () => closeServer(server) };
}
