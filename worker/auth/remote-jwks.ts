import { createRemoteJWKSet } from "jose";

/**
 * One remote JWK set per URL per isolate, shared by OIDC sign-in and the Pub/Sub push check (so
 * Google's certs, used by both, are fetched once). jose caches the keys (10 min, refetching on an
 * unknown kid after a 30 s cooldown), and on Cloudflare Workers it deliberately does not share a
 * pending fetch between callers (jose 6 `isCloudflareWorkers()` check in jwks/remote.js): each
 * request that finds the set cold fetches for itself, which is what workerd requires.
 */
type RemoteJwks = ReturnType<typeof createRemoteJWKSet>;

const sets = new Map<string, RemoteJwks>();

export function remoteJwks(url: string): RemoteJwks {
  let set = sets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url));
    sets.set(url, set);
  }
  return set;
}
