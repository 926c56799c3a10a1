import { z } from "zod";
import { compareVersions, parseSemver } from "../lib/semver";

/**
 * The synced collections, declared in code: their conflict policy, the schema of each field,
 * which fields hold image URLs (the tailoring layer resizes those), and the app version that
 * introduced a field (older apps neither see nor erase it).
 *
 * Fields are optional unless `required`; an optional field may be sent as `null` to clear it
 * (stored values never hold `null`: a cleared field is simply absent).
 */
type ConflictPolicy = "lww" | "reject";

interface FieldSpec {
  schema: z.ZodType;
  required?: true;
  /** First app version that knows this field; absent = known to every version. */
  sinceAppVersion?: string;
  /** The value is an image URL the tailoring layer may rewrite to a sized variant. */
  image?: true;
}

export interface CollectionSpec {
  name: string;
  policy: ConflictPolicy;
  fields: Readonly<Record<string, FieldSpec>>;
}

const httpsUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      return new URL(value).protocol === "https:";
    } catch {
      return false;
    }
  }, "must be an https URL");

export const COLLECTIONS: readonly CollectionSpec[] = [
  {
    name: "tasks",
    policy: "lww",
    fields: {
      title: { schema: z.string().min(1).max(500), required: true },
      done: { schema: z.boolean(), required: true },
      dueAt: { schema: z.number().int() },
      imageUrl: { schema: httpsUrl, image: true },
      tags: { schema: z.array(z.string().max(100)).max(20), sinceAppVersion: "3.1.0" },
    },
  },
  {
    name: "notes",
    policy: "reject",
    fields: {
      title: { schema: z.string().min(1).max(200), required: true },
      body: { schema: z.string().max(100_000), required: true },
    },
  },
];

const BY_NAME = new Map(COLLECTIONS.map((c) => [c.name, c]));

export function getCollection(name: string): CollectionSpec | undefined {
  return BY_NAME.get(name);
}

/** The fields an app of `appVersion` knows; no (or an unparseable) app version = every field. */
export function fieldsKnownTo(collection: CollectionSpec, appVersion: string | undefined): Set<string> {
  const all = Object.keys(collection.fields);
  if (appVersion === undefined || parseSemver(appVersion) === null) return new Set(all);
  return new Set(
    all.filter((name) => {
      const since = collection.fields[name]?.sinceAppVersion;
      return since === undefined || compareVersions(appVersion, since) >= 0;
    }),
  );
}

/** The names of a collection's image-URL fields. */
export function imageFields(collection: CollectionSpec): string[] {
  return Object.entries(collection.fields)
    .filter(([, spec]) => spec.image)
    .map(([name]) => name);
}

interface ValueIssue {
  path: string;
  message: string;
}

/**
 * Validates a complete stored value (after a put or a merge) against the collection: every
 * required field present, no unknown field, each field valid. Returns the issues, empty if valid.
 */
export function validateValue(collection: CollectionSpec, value: Record<string, unknown>): ValueIssue[] {
  const issues: ValueIssue[] = [];
  for (const [name, spec] of Object.entries(collection.fields)) {
    // Own keys only: `in` would find `constructor` or `toString` on every object's prototype.
    if (!Object.hasOwn(value, name)) {
      if (spec.required) issues.push({ path: name, message: "is required" });
      continue;
    }
    const result = spec.schema.safeParse(value[name]);
    if (!result.success) {
      for (const issue of result.error.issues) {
        issues.push({ path: [name, ...issue.path.map(String)].join("."), message: issue.message });
      }
    }
  }
  for (const name of Object.keys(value)) {
    if (!Object.hasOwn(collection.fields, name))
      issues.push({ path: name, message: "is not a field of this collection" });
  }
  return issues;
}
