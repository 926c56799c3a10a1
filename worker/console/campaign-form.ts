import type { z } from "@hono/zod-openapi";
import { campaignBodySchema, type CampaignInput } from "../push/campaigns/schema";
import type { FormFields } from "./guard";

/**
 * The compose form → the body `POST /v1/push/campaigns` takes, validated by the same schema, so a
 * campaign the console accepts is exactly one the API accepts. Field errors are keyed by the
 * form field they belong to.
 */

export type FieldErrors = Record<string, string[]>;

/** Whether the deployed target schema knows entitlements yet (issue 12 adds `target.entitlements`). */
export const TARGETS_ENTITLEMENTS = "entitlements" in campaignBodySchema.shape.target.shape;

/** `a, b\nc` → ["a", "b", "c"]; undefined when empty (the criterion is then not used). */
function list(value: string | undefined): string[] | undefined {
  const items = (value ?? "")
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}

/** `key=value` per line; a line without `=` is an error for the `data` field. */
function dataPairs(value: string | undefined, errors: FieldErrors): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const line of (value ?? "").split(/\r?\n/)) {
    if (!line.trim()) continue;
    const at = line.indexOf("=");
    if (at <= 0) {
      (errors.data ??= []).push(`"${line.trim()}" is not key=value`);
      continue;
    }
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return Object.keys(out).length ? out : undefined;
}

/** The target alone (the live audience count reads only these fields). */
export function targetFromForm(form: FormFields): Record<string, unknown> {
  const target: Record<string, unknown> = {
    userIds: list(form.get("userIds")),
    platforms: form.all("platforms").length ? form.all("platforms") : undefined,
    topics: list(form.get("topics")),
    appVersion: form.text("appVersion"),
    locales: list(form.get("locales")),
  };
  if (TARGETS_ENTITLEMENTS) target.entitlements = list(form.get("entitlements"));
  for (const k of Object.keys(target)) if (target[k] === undefined) delete target[k];
  return target;
}

/** The form field a schema issue belongs to. */
export function fieldOf(path: readonly PropertyKey[]): string {
  const [first, second] = path;
  if (first === "target" && typeof second === "string") return second;
  return typeof first === "string" ? first : "form";
}

export function issuesToFields(issues: readonly z.core.$ZodIssue[], errors: FieldErrors = {}): FieldErrors {
  for (const issue of issues) (errors[fieldOf(issue.path)] ??= []).push(issue.message);
  return errors;
}

/** Parses the compose form; `input` only when it is valid. */
export function campaignFromForm(
  form: FormFields,
  now: number,
): { input?: CampaignInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const raw: Record<string, unknown> = {
    title: form.text("title"),
    body: form.text("body"),
    data: dataPairs(form.get("data"), errors),
    target: targetFromForm(form),
  };
  const when = form.get("when") ?? "now";
  if (when === "at") {
    // datetime-local has no zone: the label says UTC, so it is read as UTC.
    const at = form.text("sendAt");
    const ms = at ? Date.parse(`${at}Z`) : Number.NaN;
    if (Number.isNaN(ms)) (errors.sendAt ??= []).push("pick a date and time (UTC)");
    else if (ms > now + 366 * 86_400_000) (errors.sendAt ??= []).push("must be within a year");
    else raw.sendAt = ms;
  } else if (when === "local") {
    raw.localTime = form.text("localTime") ?? "";
  }
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  const parsed = campaignBodySchema.safeParse(raw);
  if (!parsed.success) issuesToFields(parsed.error.issues, errors);
  if (Object.keys(errors).length > 0 || !parsed.success) return { errors };
  return { input: parsed.data, errors };
}
