import type { Context } from "hono";
import type { AppEnv } from "../env";
import { etagOf } from "./etag";
import { mergeVary } from "./vary";

/**
 * The one way a route answers with a cacheable JSON body (`/v1/config`, `/v1/screens/home`):
 * serialise once, tag exactly those bytes, say which request headers shaped them, and let every
 * cache keep it only privately and revalidate each time (cheap, thanks to 304).
 *
 * Why a helper here and not a route-side 304 or an ETag middleware: the tag a client holds names
 * a coding (`"<hash>-br"`), which is known only once the compression middleware has chosen one,
 * so the 304 decision lives there (`http/compress.ts` → `notModifiedResponse`), after encoding,
 * for every route alike. A separate ETag middleware would buffer and hash each body a second
 * time; this helper hashes the string it already has and never answers 304 itself.
 */
export async function respondCacheable<E extends AppEnv>(
  c: Context<E>,
  body: unknown,
  options: { vary: readonly string[] },
): Promise<Response> {
  // c.json would serialise with JSON.stringify too; doing it here puts the tag on exactly these bytes.
  return respondCacheableJson(c, JSON.stringify(body), options);
}

/** The same for a body already serialised (GraphQL's answer), in its own JSON media type. */
export async function respondCacheableJson<E extends AppEnv>(
  c: Context<E>,
  json: string,
  options: { vary: readonly string[]; contentType?: string },
): Promise<Response> {
  c.header("ETag", await etagOf(json));
  // Appended, so a Vary set earlier in the pipeline survives (the middleware merges duplicates).
  c.header("Vary", mergeVary(null, options.vary), { append: true });
  // private: per user and device; no-cache: revalidate every time.
  c.header("Cache-Control", "private, no-cache");
  c.header("Content-Type", options.contentType ?? "application/json");
  return c.body(json, 200);
}
