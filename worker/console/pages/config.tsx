import type { Context } from "hono";
import { audit, consoleActor } from "../../audit/record";
import { evaluateFlags } from "../../config/flags";
import { type RemoteConfig, RemoteConfigSchema } from "../../config/schema";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { parseStrictJson } from "../../lib/strict-json";
import { parseAppVersion } from "../../lib/semver";
import { lineDiff } from "../diff";
import type { FormFields } from "../guard";
import { FieldError, Layout, utc } from "../layout";
import { getConfigRevision, listConfigRevisions } from "../queries/config";
import type { ConsoleSession } from "../queries/sessions";
import { page, seeOther } from "../respond";
import { services } from "../services";
import { notFoundPage } from "./errors";

/**
 * Remote config and flags: the JSON document (validated exactly like `PUT /v1/admin/config`),
 * a per-flag view, a preview of what one device profile gets, and revisions with diff and
 * one-click rollback. Every save is a new revision; a save based on a revision that is no longer
 * live is refused (the same If-Match rule as the API), so two editors never overwrite each other.
 */

const pretty = (config: RemoteConfig) => JSON.stringify(config, null, 2);

interface EditorState {
  text?: string;
  errors?: string[];
  notice?: string;
}

async function render(
  c: Context<AppEnv>,
  session: ConsoleSession,
  state: EditorState,
  status: 200 | 400 | 409 = 200,
) {
  const live = await services(c).getLiveConfig(c.var.db, { fresh: true });
  const revisions = await listConfigRevisions(c.var.db);
  const q = c.req.query();
  const previewing = q.preview !== undefined;
  const appVersion = q.appVersion?.trim() ? parseAppVersion(q.appVersion.trim()) : undefined;
  const preview = previewing
    ? evaluateFlags(live.config, {
        platform: q.platform === "ios" || q.platform === "android" ? q.platform : undefined,
        appVersion: appVersion ?? undefined,
        locale: q.locale?.trim() || undefined,
        userId: q.userId?.trim() || undefined,
      })
    : null;
  const policy =
    previewing && (q.platform === "ios" || q.platform === "android")
      ? live.config.platforms[q.platform]
      : undefined;
  const flags = Object.entries(live.config.flags);
  return page(
    c,
    <Layout title="Remote config" section="config" csrf={session.csrfToken}>
      {state.notice ? (
        <p class="notice" role="status">
          {state.notice}
        </p>
      ) : null}
      <section aria-labelledby="flags-h">
        <h2 id="flags-h">Flags (revision {live.revision})</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Flag</th>
                <th scope="col">Default</th>
                <th scope="col">Rules</th>
              </tr>
            </thead>
            <tbody>
              {flags.map(([name, flag]) => (
                <tr>
                  <th scope="row">
                    <code>{name}</code>
                  </th>
                  <td>
                    <code>{JSON.stringify(flag.default)}</code>
                  </td>
                  <td>
                    {flag.rules.length === 0
                      ? "—"
                      : flag.rules.map((r) => (
                          <div>
                            <code>{JSON.stringify(r)}</code>
                          </div>
                        ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {flags.length === 0 ? <p>No flags yet.</p> : null}
      </section>
      <section aria-labelledby="edit-h">
        <h2 id="edit-h">Edit</h2>
        <form method="post" action="/console/config">
          <input type="hidden" name="_csrf" value={session.csrfToken} />
          <input type="hidden" name="baseRevision" value={String(live.revision)} />
          <label for="config-json">Config JSON</label>
          <textarea
            id="config-json"
            name="config"
            class="config"
            spellcheck={false}
            aria-describedby={state.errors ? "config-error" : undefined}
            aria-invalid={state.errors ? "true" : undefined}
          >
            {state.text ?? pretty(live.config)}
          </textarea>
          <FieldError id="config-error" messages={state.errors} />
          <button type="submit">Save config</button>
        </form>
      </section>
      <section aria-labelledby="preview-h">
        <h2 id="preview-h">Preview for a device</h2>
        <form method="get" action="/console/config">
          <input type="hidden" name="preview" value="1" />
          <label for="p-platform">Platform</label>
          <select id="p-platform" name="platform">
            <option value="" selected={!q.platform}>
              (none)
            </option>
            <option value="ios" selected={q.platform === "ios"}>
              iOS
            </option>
            <option value="android" selected={q.platform === "android"}>
              Android
            </option>
          </select>
          <label for="p-version">App version</label>
          <input id="p-version" name="appVersion" type="text" value={q.appVersion ?? ""} />
          <label for="p-locale">Locale</label>
          <input id="p-locale" name="locale" type="text" value={q.locale ?? ""} />
          <label for="p-user">User id</label>
          <input id="p-user" name="userId" type="text" value={q.userId ?? ""} />
          <button type="submit" class="secondary">
            Preview
          </button>
        </form>
        {preview ? (
          <div aria-live="polite">
            <h3>This device gets</h3>
            <pre id="preview-result">
              {JSON.stringify(
                {
                  minVersion: policy?.minVersion ?? null,
                  storeUrl: policy?.storeUrl ?? null,
                  flags: preview,
                },
                null,
                2,
              )}
            </pre>
          </div>
        ) : null}
      </section>
      <section aria-labelledby="revisions-h">
        <h2 id="revisions-h">Revisions</h2>
        <ul>
          {revisions.map((r) => (
            <li>
              <a href={`/console/config/revisions/${r.revision}`}>Revision {r.revision}</a> ·{" "}
              {utc(r.createdAt)}
              {r.revision === live.revision ? " (live)" : ""}
            </li>
          ))}
        </ul>
        {revisions.length === 0 ? <p>No revisions yet: the empty config is live.</p> : null}
      </section>
    </Layout>,
    status,
  );
}

export function configPage(c: Context<AppEnv>, session: ConsoleSession) {
  return render(c, session, {});
}

/** The document as PUT /v1/admin/config would judge it: strict JSON, then the schema. */
function validate(text: string): { config?: RemoteConfig; errors: string[] } {
  let value: unknown;
  try {
    value = parseStrictJson(new TextEncoder().encode(text));
  } catch (error) {
    return { errors: [error instanceof ApiError ? error.message : "not valid JSON"] };
  }
  const parsed = RemoteConfigSchema.safeParse(value);
  if (!parsed.success) {
    return { errors: parsed.error.issues.map((i) => `${i.path.join(".") || "(document)"}: ${i.message}`) };
  }
  return { config: parsed.data, errors: [] };
}

export async function saveConfigAction(c: Context<AppEnv>, session: ConsoleSession, form: FormFields) {
  const text = form.get("config") ?? "";
  const { config, errors } = validate(text);
  if (!config) return render(c, session, { text, errors }, 400);
  const base = Number(form.get("baseRevision") || Number.NaN);
  const live = Number.isSafeInteger(base) ? await services(c).putLiveConfig(c.var.db, config, base) : null;
  if (!live) {
    return render(
      c,
      session,
      {
        text,
        errors: [
          "Someone changed the config since you opened it; your text is kept below, compare it with the live revision and save again.",
        ],
      },
      409,
    );
  }
  await audit(c.var.db, consoleActor(session.idHash), "config.replaced", `r${live.revision}`, {
    revision: live.revision,
    base,
  });
  return seeOther(c, `/console/config/revisions/${live.revision}`);
}

export async function revisionPage(
  c: Context<AppEnv>,
  session: ConsoleSession,
  params: Record<string, string>,
) {
  const revision = Number(params.revision);
  const row = Number.isSafeInteger(revision) ? await getConfigRevision(c.var.db, revision) : undefined;
  if (!row) return notFoundPage(c, "No such revision", session.csrfToken);
  const previous = revision > 1 ? await getConfigRevision(c.var.db, revision - 1) : undefined;
  const live = await services(c).getLiveConfig(c.var.db, { fresh: true });
  const before = previous
    ? pretty(JSON.parse(previous.document) as RemoteConfig)
    : pretty({ platforms: {}, flags: {} });
  const after = pretty(JSON.parse(row.document) as RemoteConfig);
  const diff = lineDiff(before, after);
  return page(
    c,
    <Layout title={`Config revision ${revision}`} section="config" csrf={session.csrfToken}>
      <p>
        Saved {utc(row.createdAt)}.{" "}
        {revision === live.revision ? "This is the live revision." : `The live revision is ${live.revision}.`}{" "}
        <a href="/console/config">Back to the editor</a>
      </p>
      <section aria-labelledby="diff-h">
        <h2 id="diff-h">Changes from revision {previous ? revision - 1 : "(empty)"}</h2>
        <pre class="diff" aria-label="Diff">
          {diff.map((l) => (
            <span
              class={l.op === "+" ? "add" : l.op === "-" ? "del" : undefined}
            >{`${l.op} ${l.text}\n`}</span>
          ))}
        </pre>
      </section>
      {revision !== live.revision ? (
        <form method="post" action={`/console/config/revisions/${revision}/rollback`}>
          <input type="hidden" name="_csrf" value={session.csrfToken} />
          <input type="hidden" name="baseRevision" value={String(live.revision)} />
          <button type="submit" class="danger">
            Roll back to revision {revision}
          </button>
        </form>
      ) : null}
    </Layout>,
  );
}

export async function rollbackAction(
  c: Context<AppEnv>,
  session: ConsoleSession,
  form: FormFields,
  params: Record<string, string>,
) {
  const revision = Number(params.revision);
  const row = Number.isSafeInteger(revision) ? await getConfigRevision(c.var.db, revision) : undefined;
  if (!row) return notFoundPage(c, "No such revision", session.csrfToken);
  // Stored documents were validated when they were saved; a rollback stores the same document again.
  const config = JSON.parse(row.document) as RemoteConfig;
  const base = Number(form.get("baseRevision") || Number.NaN);
  const live = Number.isSafeInteger(base) ? await services(c).putLiveConfig(c.var.db, config, base) : null;
  if (!live)
    return render(
      c,
      session,
      { errors: ["The config changed since you opened the revision; look again before rolling back."] },
      409,
    );
  await audit(c.var.db, consoleActor(session.idHash), "config.rolled_back", `r${live.revision}`, {
    revision: live.revision,
    restored: revision,
  });
  return seeOther(c, `/console/config/revisions/${live.revision}`);
}
