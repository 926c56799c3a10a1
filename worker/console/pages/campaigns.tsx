import type { Context } from "hono";
import { audit, consoleActor } from "../../audit/record";
import type { AppEnv } from "../../env";
import { countAudience } from "../../push/campaigns/audience";
import { cancelCampaign, createCampaign } from "../../push/campaigns/campaigns";
import { validateCampaignPayload } from "../../push/campaigns/message";
import { findCampaign } from "../../push/campaigns/queries/campaigns";
import { campaignBodySchema } from "../../push/campaigns/schema";
import { campaignStats } from "../../push/campaigns/stats";
import {
  campaignFromForm,
  type FieldErrors,
  issuesToFields,
  TARGETS_ENTITLEMENTS,
  targetFromForm,
} from "../campaign-form";
import type { FormFields } from "../guard";
import { FieldError, Layout, utc } from "../layout";
import { recentCampaigns } from "../queries/campaigns";
import type { ConsoleSession } from "../queries/sessions";
import { page, seeOther } from "../respond";
import { notFoundPage } from "./errors";

/** Campaigns: list, compose (with a live audience count), and one campaign's funnel. */

type Values = Record<string, string | string[] | undefined>;

function Field(props: {
  name: string;
  label: string;
  values: Values;
  errors: FieldErrors;
  hint?: string;
  type?: string;
  multiline?: boolean;
  step?: string;
}) {
  const { name, label, values, errors, hint, type = "text", multiline, step } = props;
  const id = `f-${name}`;
  const describedBy = [hint ? `${id}-hint` : "", errors[name] ? `${id}-error` : ""].filter(Boolean).join(" ");
  const value = typeof values[name] === "string" ? (values[name] as string) : "";
  return (
    <div>
      <label for={id}>{label}</label>
      {hint ? (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      ) : null}
      {multiline ? (
        <textarea
          id={id}
          name={name}
          aria-describedby={describedBy || undefined}
          aria-invalid={errors[name] ? "true" : undefined}
        >
          {value}
        </textarea>
      ) : (
        <input
          id={id}
          name={name}
          type={type}
          step={step}
          value={value}
          aria-describedby={describedBy || undefined}
          aria-invalid={errors[name] ? "true" : undefined}
        />
      )}
      <FieldError id={`${id}-error`} messages={errors[name]} />
    </div>
  );
}

function Compose({ csrf, values, errors }: { csrf: string; values: Values; errors: FieldErrors }) {
  const platforms = Array.isArray(values.platforms)
    ? values.platforms
    : values.platforms
      ? [values.platforms]
      : [];
  const when = typeof values.when === "string" ? values.when : "now";
  return (
    <section aria-labelledby="compose-h">
      <h2 id="compose-h">New campaign</h2>
      {errors.form ? <FieldError id="form-error" messages={errors.form} /> : null}
      <form id="compose" method="post" action="/console/campaigns" novalidate>
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="idempotencyKey" value={crypto.randomUUID()} />
        <Field name="title" label="Title" values={values} errors={errors} />
        <Field name="body" label="Body" values={values} errors={errors} multiline />
        <Field
          name="data"
          label="Data"
          hint="key=value, one per line"
          values={values}
          errors={errors}
          multiline
        />
        <fieldset>
          <legend>Target (every criterion given must match)</legend>
          <Field name="userIds" label="User ids" hint="comma separated" values={values} errors={errors} />
          <fieldset>
            <legend>Platforms</legend>
            {(["ios", "android"] as const).map((p) => (
              <label class="inline">
                <input type="checkbox" name="platforms" value={p} checked={platforms.includes(p)} />
                {p === "ios" ? "iOS" : "Android"}
              </label>
            ))}
            <FieldError id="f-platforms-error" messages={errors.platforms} />
          </fieldset>
          <Field name="topics" label="Topics" hint="comma separated" values={values} errors={errors} />
          <Field
            name="appVersion"
            label="App version range"
            hint="semver, e.g. >=3.0.0"
            values={values}
            errors={errors}
          />
          <Field
            name="locales"
            label="Locales"
            hint="comma separated, e.g. de, fr-CH"
            values={values}
            errors={errors}
          />
          {TARGETS_ENTITLEMENTS ? (
            <Field
              name="entitlements"
              label="Entitlements"
              hint="comma separated"
              values={values}
              errors={errors}
            />
          ) : null}
          <p>
            Audience:{" "}
            <output id="audience-count" aria-live="polite" for="compose">
              (counted as you type)
            </output>
          </p>
        </fieldset>
        <fieldset>
          <legend>When</legend>
          <label class="inline">
            <input type="radio" name="when" value="now" checked={when === "now"} /> Send now
          </label>
          <label class="inline">
            <input type="radio" name="when" value="at" checked={when === "at"} /> At a time
          </label>
          <label class="inline">
            <input type="radio" name="when" value="local" checked={when === "local"} /> At each device's local
            time
          </label>
          <div id="when-at">
            <Field
              name="sendAt"
              label="Send at (UTC)"
              type="datetime-local"
              step="1"
              values={values}
              errors={errors}
            />
          </div>
          <div id="when-local">
            <Field name="localTime" label="Local time" type="time" values={values} errors={errors} />
          </div>
        </fieldset>
        <button type="submit">Create campaign</button>
      </form>
    </section>
  );
}

async function listPage(
  c: Context<AppEnv>,
  session: ConsoleSession,
  values: Values,
  errors: FieldErrors,
  status: 200 | 400 = 200,
) {
  const campaigns = await recentCampaigns(c.var.db);
  return page(
    c,
    <Layout title="Campaigns" section="campaigns" csrf={session.csrfToken}>
      <Compose csrf={session.csrfToken} values={values} errors={errors} />
      <section aria-labelledby="list-h">
        <h2 id="list-h">Recent campaigns</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Schedule</th>
              </tr>
            </thead>
            <tbody>
              {campaigns.map((k) => (
                <tr>
                  <td>
                    <a href={`/console/campaigns/${encodeURIComponent(k.id)}`}>{k.title ?? "(silent)"}</a>
                  </td>
                  <td>{k.status}</td>
                  <td>{utc(k.createdAt)}</td>
                  <td>{k.localTime ? `${k.localTime} local` : k.sendAt ? utc(k.sendAt) : "now"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {campaigns.length === 0 ? <p>No campaigns yet.</p> : null}
      </section>
    </Layout>,
    status,
  );
}

export function campaignsPage(c: Context<AppEnv>, session: ConsoleSession) {
  return listPage(c, session, {}, {});
}

function formValues(form: FormFields): Values {
  const names = [
    "title",
    "body",
    "data",
    "userIds",
    "topics",
    "appVersion",
    "locales",
    "entitlements",
    "when",
    "sendAt",
    "localTime",
  ];
  const values: Values = Object.fromEntries(names.map((n) => [n, form.get(n)]));
  values.platforms = form.all("platforms");
  return values;
}

export async function createCampaignAction(c: Context<AppEnv>, session: ConsoleSession, form: FormFields) {
  const now = Date.now();
  const { input, errors } = campaignFromForm(form, now);
  if (input)
    for (const e of validateCampaignPayload(input))
      (errors[e.path === "silent" ? "form" : e.path] ??= []).push(e.message);
  if (!input || Object.keys(errors).length > 0) return listPage(c, session, formValues(form), errors, 400);
  const key = form.text("idempotencyKey") ?? null;
  const { campaign, replayed } = await createCampaign(
    c.env,
    c.var.db,
    input,
    key && key.length <= 255 ? key : null,
    now,
  );
  if (!replayed)
    await audit(c.var.db, consoleActor(session.idHash), "campaign.created", campaign.id, {
      title: input.title ?? null,
      target: input.target,
    });
  return seeOther(c, `/console/campaigns/${encodeURIComponent(campaign.id)}`);
}

/** The live audience count for the compose form (JSON for the page script). */
export async function audienceAction(c: Context<AppEnv>, _session: ConsoleSession, form: FormFields) {
  const parsed = campaignBodySchema.shape.target.safeParse(targetFromForm(form));
  if (!parsed.success) {
    const errors = issuesToFields(parsed.error.issues);
    const detail = Object.entries(errors)
      .map(([field, m]) => `${field}: ${m.join("; ")}`)
      .join(" · ");
    return c.json({ detail, errors }, 400);
  }
  return c.json({ devices: await countAudience(c.var.db, parsed.data) }, 200);
}

async function campaignView(c: Context<AppEnv>, id: string) {
  const campaign = await findCampaign(c.var.db, id);
  if (!campaign) return null;
  return { campaign, stats: await campaignStats(c.var.db, id) };
}

export async function campaignStatsJson(
  c: Context<AppEnv>,
  _s: ConsoleSession,
  params: Record<string, string>,
) {
  const view = await campaignView(c, params.id ?? "");
  if (!view) return c.json({ detail: "No such campaign" }, 404);
  return c.json({ id: view.campaign.id, status: view.campaign.status, stats: view.stats }, 200);
}

export async function campaignPage(
  c: Context<AppEnv>,
  session: ConsoleSession,
  params: Record<string, string>,
  notice?: string,
) {
  const view = await campaignView(c, params.id ?? "");
  if (!view) return notFoundPage(c, "No such campaign", session.csrfToken);
  const { campaign, stats } = view;
  const failed = Object.entries(stats.failed);
  const withheld = Object.entries(stats.withheld);
  const cancellable = campaign.status === "scheduled" || campaign.status === "sending";
  return page(
    c,
    <Layout title={`Campaign: ${campaign.title ?? "(silent)"}`} section="campaigns" csrf={session.csrfToken}>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <section aria-labelledby="summary-h">
        <h2 id="summary-h">Summary</h2>
        <dl>
          <dt>Status</dt>
          <dd id="campaign-status">{campaign.status}</dd>
          <dt>Created</dt>
          <dd>{utc(campaign.createdAt)}</dd>
          <dt>Schedule</dt>
          <dd>
            {campaign.localTime
              ? `${campaign.localTime} in each device's time zone`
              : campaign.sendAt
                ? utc(campaign.sendAt)
                : "now"}
          </dd>
          <dt>Body</dt>
          <dd>{campaign.body ?? "—"}</dd>
          <dt>Target</dt>
          <dd>
            {Object.keys(campaign.target).length === 0 ? (
              "every device with a live push token"
            ) : (
              <code>{JSON.stringify(campaign.target)}</code>
            )}
          </dd>
        </dl>
        {cancellable ? (
          <form
            id="cancel-form"
            method="post"
            action={`/console/campaigns/${encodeURIComponent(campaign.id)}/cancel`}
          >
            <input type="hidden" name="_csrf" value={session.csrfToken} />
            <button type="submit" class="danger">
              Cancel campaign
            </button>
          </form>
        ) : null}
      </section>
      <section aria-labelledby="funnel-h">
        <h2 id="funnel-h">Delivery funnel</h2>
        <dl
          id="funnel"
          class="funnel"
          data-stats-url={`/console/campaigns/${encodeURIComponent(campaign.id)}/stats`}
          data-status={campaign.status}
        >
          {(["targeted", "pending", "sent", "opened", "pruned", "cancelled"] as const).map((k) => (
            <div>
              <dt>{k[0]?.toUpperCase() + k.slice(1)}</dt>
              <dd data-stat={k}>{String(stats[k])}</dd>
            </div>
          ))}
        </dl>
        <h3>Failures by reason</h3>
        <p id="failures">{failed.length ? failed.map(([r, n]) => `${r}: ${n}`).join(", ") : "none"}</p>
        <h3>Withheld by reason</h3>
        <p>{withheld.length ? withheld.map(([r, n]) => `${r}: ${n}`).join(", ") : "none"}</p>
      </section>
    </Layout>,
  );
}

export async function cancelCampaignAction(
  c: Context<AppEnv>,
  session: ConsoleSession,
  _form: FormFields,
  params: Record<string, string>,
) {
  const id = params.id ?? "";
  const result = await cancelCampaign(c.env, c.var.db, id, Date.now());
  if (result === "not_found") return notFoundPage(c, "No such campaign", session.csrfToken);
  if (result === "cancelled") await audit(c.var.db, consoleActor(session.idHash), "campaign.cancelled", id);
  return seeOther(c, `/console/campaigns/${encodeURIComponent(id)}`);
}
