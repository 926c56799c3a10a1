import type { Context } from "hono";
import { audit, consoleActor } from "../../audit/record";
import { listAuditEntries } from "../../audit/queries";
import type { AppEnv } from "../../env";
import type { FormFields } from "../guard";
import { Layout, utc } from "../layout";
import { type ConsoleSession, listLiveConsoleSessions, revokeAllConsoleSessions } from "../queries/sessions";
import { page, seeOther } from "../respond";
import { clearConsoleCookie } from "../session";

/** The audit log, and the console sessions that are live (revocable all at once). */
export async function auditPage(c: Context<AppEnv>, session: ConsoleSession) {
  const before = Number(c.req.query("before"));
  const entries = await listAuditEntries(
    c.var.db,
    100,
    Number.isSafeInteger(before) && before > 0 ? before : undefined,
  );
  const sessions = await listLiveConsoleSessions(c.var.db, Date.now());
  const last = entries[entries.length - 1];
  return page(
    c,
    <Layout title="Audit log" section="audit" csrf={session.csrfToken}>
      <section aria-labelledby="log-h">
        <h2 id="log-h">Changes</h2>
        <div class="table-wrap">
          <table id="audit">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Subject</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr>
                  <td>{utc(e.createdAt)}</td>
                  <td>{e.actor}</td>
                  <td>{e.action}</td>
                  <td>{e.subject ?? "—"}</td>
                  <td>
                    <code>{JSON.stringify(e.details)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {entries.length === 100 && last ? (
          <a href={`/console/audit?before=${last.seq}`}>Older entries</a>
        ) : null}
      </section>
      <section aria-labelledby="sessions-h">
        <h2 id="sessions-h">Console sessions</h2>
        <ul>
          {sessions.map((s) => (
            <li>
              {consoleActor(s.idHash)} · signed in {utc(s.createdAt)} · expires {utc(s.expiresAt)}
              {s.idHash === session.idHash ? " (this one)" : ""}
            </li>
          ))}
        </ul>
        <form method="post" action="/console/sessions/revoke-all">
          <input type="hidden" name="_csrf" value={session.csrfToken} />
          <button type="submit" class="danger">
            Sign out every console session
          </button>
        </form>
      </section>
    </Layout>,
  );
}

export async function revokeAllAction(c: Context<AppEnv>, session: ConsoleSession, _form: FormFields) {
  const count = await revokeAllConsoleSessions(c.var.db, Date.now());
  await audit(c.var.db, consoleActor(session.idHash), "console.sessions_revoked", null, { count });
  clearConsoleCookie(c);
  return seeOther(c, "/console");
}
