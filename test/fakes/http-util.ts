import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Thrown by `readBody` when a request is larger than the fake accepts. */
export class BodyTooLargeError extends Error {}

/** Reads the whole request body, refusing more than `limit` bytes (fakes never need big bodies). */
export async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new BodyTooLargeError(`body over ${limit} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType = "text/plain; charset=utf-8",
): void {
  res.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}

/** Parses a JSON object body; returns undefined for anything else (the caller answers its own error). */
export function parseJsonObject(buf: Buffer): Record<string, unknown> | undefined {
  if (buf.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(buf.toString("utf8"));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The single value of a request header (Node joins or arrays some of them). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Starts listening and returns the base URL (no trailing slash). Port 0 picks a free port. */
export function listen(server: Server, host: string, port: number): Promise<string> {
  // Node's 5 s idle timeout races clients that reuse a pooled connection just as it closes
  // (ECONNRESET in an unrelated test); outlive the clients' own idle timeouts instead.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve(`http://${shownHost}:${address.port}`);
    });
  });
}

/** Closes a server, dropping idle keep-alive connections so close() never hangs a test run. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Wraps a handler so a thrown error becomes a 500 (or 413 for oversized bodies) instead of a
 * hung socket: a fake that crashes silently makes the tests it serves very hard to read.
 */
export function guarded(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handler(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof BodyTooLargeError) {
        sendJson(res, 413, { error: "body too large" });
        return;
      }
      console.error("[fakes] handler error", error);
      sendJson(res, 500, { error: "fake server error", message: String(error) });
    });
  };
}
