import type { FetchLike, Outpost } from "@outpost/client";
import type { Request } from "./spaces-api";

/**
 * Stopgap: the SDK has no public authenticated request yet, and `/v1/spaces` is the one call the
 * demo makes outside it. The SDK's `fetch` is injectable, so the demo hands it one that remembers
 * the headers of the last authenticated call (bearer, device headers, bookmark) and reuses them.
 * A missing or refused token is renewed by asking the SDK for something that needs one (the
 * config revalidation refreshes an expiring token first, and renews it after a 401).
 * Replace with the SDK's own request once it has one.
 */
export function headerCapture(): { fetch: FetchLike; request(outpost: Outpost): Request } {
  let last: Record<string, string> | undefined;
  const fetch: FetchLike = (url, init) => {
    if (init?.headers?.Authorization) last = { ...init.headers };
    return window.fetch(url, init as RequestInit);
  };

  const send = (method: string, path: string, body: unknown) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(last ?? {})) {
      if (!/^(content-type|if-none-match)$/i.test(name)) headers[name] = value;
    }
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return window.fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  };

  const request =
    (outpost: Outpost): Request =>
    async (method, path, body) => {
      if (!last) await outpost.config.refresh();
      let res = await send(method, path, body);
      if (res.status === 401) {
        await outpost.config.refresh();
        res = await send(method, path, body);
      }
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      if (!res.ok) {
        const problem = (parsed ?? {}) as { code?: string; detail?: string };
        throw new Error(`${res.status} ${problem.code ?? ""}${problem.detail ? `: ${problem.detail}` : ""}`);
      }
      return parsed;
    };

  return { fetch, request };
}
