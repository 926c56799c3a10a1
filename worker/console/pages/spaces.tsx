import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { Layout, utc } from "../layout";
import type { ConsoleSession } from "../queries/sessions";
import { findSpaces, getSpace, recentChanges, recordCounts, spaceMemberList } from "../queries/spaces";
import { page, seeOther } from "../respond";
import { notFoundPage } from "./errors";

/** Sync spaces: find one; members and roles, version, records per collection, recent changes. */

function SearchForm({ q }: { q: string }) {
  return (
    <form method="get" action="/console/spaces" role="search">
      <label for="space-q">Space id or name</label>
      <input id="space-q" name="q" type="search" value={q} />
      <button type="submit">Find space</button>
    </form>
  );
}

export async function spacesPage(c: Context<AppEnv>, session: ConsoleSession) {
  const q = (c.req.query("q") ?? "").trim().slice(0, 200);
  const found = q ? await findSpaces(c.var.db, q) : [];
  if (found.length === 1 && found[0]?.id === q)
    return seeOther(c, `/console/spaces/${encodeURIComponent(q)}`);
  return page(
    c,
    <Layout title="Spaces" section="spaces" csrf={session.csrfToken}>
      <SearchForm q={q} />
      {q && found.length === 0 ? <p role="status">No space has that id or name.</p> : null}
      <ul>
        {found.map((s) => (
          <li>
            <a href={`/console/spaces/${encodeURIComponent(s.id)}`}>{s.name}</a> ({s.kind}, version{" "}
            {s.version})
          </li>
        ))}
      </ul>
    </Layout>,
  );
}

export async function spacePage(c: Context<AppEnv>, session: ConsoleSession, params: Record<string, string>) {
  const space = await getSpace(c.var.db, params.id ?? "");
  if (!space) return notFoundPage(c, "No such space", session.csrfToken);
  const [members, counts, changes] = await Promise.all([
    spaceMemberList(c.var.db, space.id),
    recordCounts(c.var.db, space.id),
    recentChanges(c.var.db, space.id),
  ]);
  return page(
    c,
    <Layout title={`Space ${space.name}`} section="spaces" csrf={session.csrfToken}>
      <section aria-labelledby="space-h">
        <h2 id="space-h">Space</h2>
        <dl>
          <dt>Id</dt>
          <dd>
            <code>{space.id}</code>
          </dd>
          <dt>Kind</dt>
          <dd>{space.kind}</dd>
          <dt>Version</dt>
          <dd id="space-version">{space.version}</dd>
          <dt>Purged up to</dt>
          <dd>{space.purgeHorizon}</dd>
          <dt>Updated</dt>
          <dd>{utc(space.updatedAt)}</dd>
        </dl>
      </section>
      <section aria-labelledby="members-h">
        <h2 id="members-h">Members</h2>
        <ul>
          {members.map((m) => (
            <li>
              <a href={`/console/users/${encodeURIComponent(m.userId)}`}>{m.email ?? m.userId}</a>: {m.role}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="counts-h">
        <h2 id="counts-h">Records per collection</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Collection</th>
                <th scope="col">Live</th>
                <th scope="col">Deleted (tombstones)</th>
              </tr>
            </thead>
            <tbody>
              {counts.map((r) => (
                <tr>
                  <th scope="row">{r.collection}</th>
                  <td>{r.live}</td>
                  <td>{r.deleted}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="changes-h">
        <h2 id="changes-h">Recent changes</h2>
        <div class="table-wrap">
          <table id="changes">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Collection</th>
                <th scope="col">Key</th>
                <th scope="col">Change</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((r) => (
                <tr>
                  <td>{r.version}</td>
                  <td>{r.collection}</td>
                  <td>
                    <code>{r.key}</code>
                  </td>
                  <td>{r.deleted ? "deleted" : "written"}</td>
                  <td>{utc(r.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </Layout>,
  );
}
