/**
 * Field projection: what of a record an app version may see (fields it does not know are left
 * out; image fields are sized for the device), and `?fields=` sparse field sets.
 */
import { invalidQuery } from "../errors";
import { type CollectionSpec, fieldsKnownTo, imageFields } from "../sync/collections";
import { imageQuality, imageWidth } from "./decisions";
import { type ImageVariant, parseImageHosts, resizedImageUrl } from "./images";

export interface ImageContext {
  variant: ImageVariant;
  hosts: ReadonlySet<string>;
  origin: string;
}

/**
 * A stored record value as this app version sees it: only declared fields it knows (a newer
 * field stays invisible to an older app), image fields rewritten to a sized variant.
 */
export function projectValue(
  collection: CollectionSpec,
  value: Readonly<Record<string, unknown>>,
  appVersion: string | undefined,
  images: ImageContext,
): Record<string, unknown> {
  const known = fieldsKnownTo(collection, appVersion);
  const imageNames = new Set(imageFields(collection));
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(collection.fields)) {
    if (!known.has(name) || !(name in value)) continue;
    const field = value[name];
    out[name] =
      imageNames.has(name) && typeof field === "string"
        ? resizedImageUrl(field, images.variant, images.hosts, images.origin)
        : field;
  }
  return out;
}

/**
 * The shape a `?fields=` list is checked against: each top-level key either a leaf (`true`) or
 * the keys of its object / of each item of its list. `identity` keys of a nested level are kept
 * whenever any key of that level is picked, so a list item can still be told apart.
 */
export interface FieldShape {
  [key: string]: true | { keys: readonly string[]; identity?: readonly string[] };
}

/** Top-level key → everything (`true`) or the picked nested keys. */
type FieldSelection = Map<string, true | Set<string>>;

const MAX_FIELDS_PARAM = 2048;

/**
 * Parses `user,recent.title,recent.done` against a shape. An unknown key, a path deeper than
 * the shape, or an empty list is `400 invalid_query`. `recent` with `recent.title` is `recent`.
 */
export function parseFieldSelection(param: string, shape: FieldShape): FieldSelection {
  if (param.length > MAX_FIELDS_PARAM) throw invalidQuery("fields is too long");
  const selection: FieldSelection = new Map();
  const entries = param
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (entries.length === 0) throw invalidQuery("fields names no field");
  for (const entry of entries) {
    const [top, sub, ...rest] = entry.split(".");
    const node = top === undefined ? undefined : shape[top];
    const unknown = () =>
      invalidQuery(`Unknown field: ${entry}`, [{ path: "fields", message: `unknown field ${entry}` }]);
    if (top === undefined || node === undefined || !Object.hasOwn(shape, top)) throw unknown();
    if (sub === undefined) {
      selection.set(top, true);
      continue;
    }
    if (node === true || rest.length > 0 || !node.keys.includes(sub)) throw unknown();
    const picked = selection.get(top);
    if (picked === true) continue;
    const set = picked ?? new Set(node.identity ?? []);
    set.add(sub);
    selection.set(top, set);
  }
  return selection;
}

function pick(value: unknown, keys: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => pick(item, keys));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (keys.has(k)) out[k] = v;
  return out;
}

/** The body with only the selected keys, top-level order kept. */
export function applySelection(
  body: Record<string, unknown>,
  selection: FieldSelection,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const picked = selection.get(key);
    if (picked === undefined) continue;
    out[key] = picked === true ? value : pick(value, picked);
  }
  return out;
}

/** The image sizing for one request: the device's variant, the allow-listed hosts, our origin. */
export function imageContext(
  profile: Parameters<typeof imageWidth>[0],
  imageHosts: string | undefined,
  requestUrl: string,
): ImageContext {
  return {
    variant: { width: imageWidth(profile), quality: imageQuality(profile) },
    hosts: parseImageHosts(imageHosts),
    origin: new URL(requestUrl).origin,
  };
}
