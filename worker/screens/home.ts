/**
 * The home screen (`GET /v1/screens/home`): the assembly of the tailored body from its reads
 * (`./queries.ts`), and what `?fields=` may pick from it.
 */
import { personalSpaceId } from "../sync/spaces";
import { COLLECTIONS, getCollection } from "../sync/collections";
import { type ImageContext, projectValue } from "../tailor/project";
import type { Entitlement } from "../entitlements/derive";
import type { HomeReads } from "./queries";

interface HomeConfig {
  minVersion: string | null;
  flags: Record<string, unknown>;
}

/** The contract's home body, with every record projected for this app version and device. */
export function assembleHome(
  reads: HomeReads & { user: NonNullable<HomeReads["user"]> },
  config: HomeConfig,
  appVersion: string | undefined,
  images: ImageContext,
  /** The user's entitlements (REST home; left out where the caller did not read them). */
  entitlements?: Entitlement[],
): Record<string, unknown> {
  const ownSpace = personalSpaceId(reads.user.id);
  // Every user has a personal space; it is created lazily on first sync, so show it before that.
  const spaceList = reads.spaces.some((s) => s.id === ownSpace)
    ? reads.spaces
    : [{ id: ownSpace, name: "Personal", role: "owner" as const, recordCount: 0 }, ...reads.spaces];
  const recent = [];
  for (const row of reads.recent) {
    const collection = getCollection(row.collection);
    if (!collection || row.value === null) continue;
    let value: unknown;
    try {
      value = JSON.parse(row.value);
    } catch {
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) continue;
    // Declared fields never use the identity names, so nothing here can shadow them.
    recent.push({
      space: row.space,
      collection: row.collection,
      key: row.key,
      version: row.version,
      ...projectValue(collection, value as Record<string, unknown>, appVersion, images),
    });
  }
  return {
    user: { id: reads.user.id, email: reads.user.email, anonymous: reads.user.anonymous },
    spaces: spaceList.map((s) => ({
      id: s.id,
      name: s.name,
      role: s.role,
      recordCount: Number(s.recordCount),
    })),
    recent,
    unreadCount: reads.unreadCount,
    ...(entitlements ? { entitlements } : {}),
    config: { minVersion: config.minVersion, flags: config.flags },
  };
}

/** What `?fields=` may name on the home screen. */
export const HOME_FIELD_SHAPE = {
  user: { keys: ["id", "email", "anonymous"] },
  spaces: { keys: ["id", "name", "role", "recordCount"], identity: ["id"] },
  recent: {
    keys: [
      "space",
      "collection",
      "key",
      "version",
      ...new Set(COLLECTIONS.flatMap((c) => Object.keys(c.fields))),
    ],
    identity: ["space", "collection", "key", "version"],
  },
  unreadCount: true,
  entitlements: {
    keys: ["id", "active", "source", "productId", "expiresAt", "willRenew", "inGracePeriod", "updatedAt"],
    identity: ["id"],
  },
  config: { keys: ["minVersion", "flags"] },
} as const;
