import type { Context } from "hono";
import { audit, consoleActor } from "../../audit/record";
import { entitlementRecord } from "../../entitlements/record";
import type { AppEnv } from "../../env";
import type { FormFields } from "../guard";
import { Layout, utc } from "../layout";
import {
  devicePushes,
  findUsers,
  getUserById,
  userDevices,
  userIdentities,
  userSessions,
} from "../queries/people";
import type { ConsoleSession } from "../queries/sessions";
import { page, seeOther } from "../respond";
import { services } from "../services";
import { notFoundPage } from "./errors";

/**
 * Users and devices: find a user, see identities, sessions (revocable), devices with their token
 * state, entitlements, and per device every push planned for it with its outcome — the answer
 * to "why didn't this phone get it?".
 */

function SearchForm({ q }: { q: string }) {
  return (
    <form method="get" action="/console/users" role="search">
      <label for="user-q">User id or email</label>
      <input id="user-q" name="q" type="search" value={q} />
      <button type="submit">Find user</button>
    </form>
  );
}

export async function usersPage(c: Context<AppEnv>, session: ConsoleSession) {
  const q = (c.req.query("q") ?? "").trim().slice(0, 320);
  const found = q ? await findUsers(c.var.db, q) : [];
  // One exact hit: straight to the user.
  if (found.length === 1 && found[0]) return seeOther(c, `/console/users/${encodeURIComponent(found[0].id)}`);
  return page(
    c,
    <Layout title="Users" section="users" csrf={session.csrfToken}>
      <SearchForm q={q} />
      {q ? (
        found.length === 0 ? (
          <p role="status">No user has that id or email.</p>
        ) : (
          <ul>
            {found.map((u) => (
              <li>
                <a href={`/console/users/${encodeURIComponent(u.id)}`}>{u.email ?? u.id}</a> ({u.id})
              </li>
            ))}
          </ul>
        )
      ) : null}
    </Layout>,
  );
}

/** What a device's push token is doing, in words support can read out. */
function tokenState(d: {
  pushToken: string | null;
  pushTokenInvalidAt: number | null;
  unlinkedAt: number | null;
}) {
  if (!d.pushToken) return "no push token";
  if (d.pushTokenInvalidAt) return `pruned ${utc(d.pushTokenInvalidAt)} (the provider called the token dead)`;
  if (d.unlinkedAt) return `unlinked ${utc(d.unlinkedAt)} (owner signed out on it)`;
  return "live";
}

export async function userPage(c: Context<AppEnv>, session: ConsoleSession, params: Record<string, string>) {
  const user = await getUserById(c.var.db, params.id ?? "");
  if (!user) return notFoundPage(c, "No such user", session.csrfToken);
  const [identities, sessions, devices, purchases] = await Promise.all([
    userIdentities(c.var.db, user.id),
    userSessions(c.var.db, user.id),
    userDevices(c.var.db, user.id),
    // The same derivation GET /v1/entitlements answers with (support sees what the app sees), and
    // the store notifications and app reports behind it.
    entitlementRecord({ env: c.env, d1: c.var.d1 }, user.id, 20),
  ]);
  const pushes = await Promise.all(devices.map((d) => devicePushes(c.var.db, d.id)));
  const now = Date.now();
  return page(
    c,
    <Layout title={`User ${user.email ?? user.id}`} section="users" csrf={session.csrfToken}>
      <SearchForm q="" />
      <section aria-labelledby="who-h">
        <h2 id="who-h">Account</h2>
        <dl>
          <dt>Id</dt>
          <dd>
            <code>{user.id}</code>
          </dd>
          <dt>Email</dt>
          <dd>{user.email ?? "—"}</dd>
          <dt>Anonymous</dt>
          <dd>{user.anonymous ? "yes" : "no"}</dd>
          <dt>Created</dt>
          <dd>{utc(user.createdAt)}</dd>
        </dl>
        <h3>Identities</h3>
        {identities.length === 0 ? <p>None (anonymous).</p> : null}
        <ul>
          {identities.map((i) => (
            <li>
              {i.provider}: {i.email ?? i.subject} (issuer {i.issuer}, last sign-in {utc(i.lastSignInAt)})
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="entitlements-h">
        <h2 id="entitlements-h">Entitlements</h2>
        {purchases.entitlements.length === 0 ? (
          <p id="entitlements">None.</p>
        ) : (
          <div class="table-wrap">
            <table id="entitlements">
              <thead>
                <tr>
                  <th scope="col">Entitlement</th>
                  <th scope="col">State</th>
                  <th scope="col">Store</th>
                  <th scope="col">Product</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Renews</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {purchases.entitlements.map((e) => (
                  <tr>
                    <td>{e.id}</td>
                    <td>{e.active ? (e.inGracePeriod ? "active (grace period)" : "active") : "inactive"}</td>
                    <td>{e.source === "app_store" ? "App Store" : "Google Play"}</td>
                    <td>
                      <code>{e.productId}</code>
                    </td>
                    <td>{e.expiresAt === undefined ? "—" : utc(e.expiresAt)}</td>
                    <td>{e.willRenew ? "yes" : "no"}</td>
                    <td>{utc(e.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <h3>Store messages</h3>
        {purchases.notices.length === 0 ? (
          <p id="store-notices">None.</p>
        ) : (
          <div class="table-wrap">
            <table id="store-notices">
              <thead>
                <tr>
                  <th scope="col">Received</th>
                  <th scope="col">Store</th>
                  <th scope="col">Message</th>
                  <th scope="col">Signed</th>
                  <th scope="col">Verified</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {purchases.notices.map((n) => (
                  <tr>
                    <td>{utc(n.receivedAt)}</td>
                    <td>{n.store === "app_store" ? "App Store" : "Google Play"}</td>
                    <td>{n.subtype ? `${n.type}/${n.subtype}` : n.type}</td>
                    <td>{utc(n.signedAt)}</td>
                    <td>{n.verified ? "yes" : "no"}</td>
                    <td>{n.outcome ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="sessions-h">
        <h2 id="sessions-h">Sessions</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Platform</th>
                <th scope="col">Last seen</th>
                <th scope="col">State</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => {
                const live = s.revokedAt === null && s.expiresAt > now;
                return (
                  <tr>
                    <td>{s.deviceId ?? "—"}</td>
                    <td>{s.platform ?? "—"}</td>
                    <td>{utc(s.lastSeenAt)}</td>
                    <td>
                      {live
                        ? "live"
                        : s.revokedAt
                          ? `revoked (${s.revokedReason ?? "?"}) ${utc(s.revokedAt)}`
                          : "expired"}
                    </td>
                    <td>
                      {live ? (
                        <form
                          method="post"
                          action={`/console/users/${encodeURIComponent(user.id)}/sessions/${encodeURIComponent(s.id)}/revoke`}
                        >
                          <input type="hidden" name="_csrf" value={session.csrfToken} />
                          <button
                            type="submit"
                            class="danger"
                            aria-label={`Revoke session on ${s.deviceId ?? s.id}`}
                          >
                            Revoke
                          </button>
                        </form>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="devices-h">
        <h2 id="devices-h">Devices</h2>
        {devices.length === 0 ? <p>No devices registered.</p> : null}
        {devices.map((d, i) => (
          <article class="card" aria-labelledby={`dev-${i}`}>
            <h3 id={`dev-${i}`}>Device {d.id}</h3>
            <p>
              {d.platform} · app {d.appVersion ?? "—"} · {d.locale ?? "—"} · {d.timezone ?? "—"} · via{" "}
              {d.pushProvider ?? "—"}
            </p>
            <p>
              Token: <strong>{tokenState(d)}</strong>
            </p>
            <h4>Pushes to this device</h4>
            {(pushes[i] ?? []).length === 0 ? (
              <p>None.</p>
            ) : (
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Campaign</th>
                      <th scope="col">Outcome</th>
                      <th scope="col">Reason</th>
                      <th scope="col">Attempts</th>
                      <th scope="col">Planned</th>
                      <th scope="col">Sent</th>
                      <th scope="col">Opened</th>
                    </tr>
                  </thead>
                  <tbody>
                    {(pushes[i] ?? []).map((p) => (
                      <tr>
                        <td>
                          <a href={`/console/campaigns/${encodeURIComponent(p.campaignId)}`}>
                            {p.title ?? "(silent)"}
                          </a>
                        </td>
                        <td>{p.state}</td>
                        <td>{p.reason ?? "—"}</td>
                        <td>{p.attempts}</td>
                        <td>{utc(p.createdAt)}</td>
                        <td>{utc(p.sentAt)}</td>
                        <td>{utc(p.openedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </article>
        ))}
      </section>
    </Layout>,
  );
}

/** Same effect as the API's revocation: the session's tokens stop working and its device is unlinked. */
export async function revokeUserSessionAction(
  c: Context<AppEnv>,
  session: ConsoleSession,
  _form: FormFields,
  params: Record<string, string>,
) {
  const userId = params.id ?? "";
  const sessionId = params.sessionId ?? "";
  if (await services(c).endSession(c.var.d1, sessionId, "revoked", userId)) {
    await audit(c.var.db, consoleActor(session.idHash), "user_session.revoked", sessionId, { userId });
  }
  return seeOther(c, `/console/users/${encodeURIComponent(userId)}`);
}
