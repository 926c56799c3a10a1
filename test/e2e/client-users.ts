import { memoryStorage } from "../../client/src/index";
import { launch, type TestApp } from "./client-harness";
import type { StartedWorker } from "./start-worker";

/** Users and spaces for the SDK's end-to-end tests. */

export const task = (title: string, done = false) => ({ title, done });

/** An ID token for `sub` from the fake issuer, ready for `auth.signInWithIdToken`. */
export async function idToken(worker: StartedWorker, sub: string) {
  const nonce = crypto.randomUUID();
  const res = await fetch(`${worker.fakes.controlUrl}/oidc/id-token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ sub, email: `${sub}@example.com`, nonce }),
  });
  const { idToken } = (await res.json()) as { idToken: string };
  return { provider: worker.fakes.oidc.name, idToken, nonce };
}

/** A shared space created through the SDK's generic request (the SDK wraps no spaces API). */
export async function sharedSpace(
  owner: TestApp,
  members: string[],
  role: "editor" | "viewer" = "editor",
): Promise<string> {
  const created = await owner.outpost.request<{ id: string }>("POST", "/v1/spaces", {
    body: { name: "Trip" },
  });
  for (const userId of members)
    await owner.outpost.request("POST", `/v1/spaces/${created.id}/members`, {
      body: { userId, role },
    });
  return created.id;
}

/** A new anonymous user on a new install (no sockets: the test drives sync with flush). */
export async function signedIn(worker: StartedWorker, storage = memoryStorage()) {
  const app = await launch(worker.url, storage, { sockets: false });
  const user = await app.outpost.auth.signInAnonymously();
  return { app, storage, user, spaceId: `p_${user.id}` };
}
