import { desc, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { remoteConfigRevisions } from "../db/schema";

interface StoredConfig {
  revision: number;
  /** The document as JSON text (validated before it was stored). */
  document: string;
  createdAt: number;
}

/** The live config: the highest revision, or null before the first admin PUT. */
export async function getLatestConfig(db: Db): Promise<StoredConfig | null> {
  const row = await db
    .select()
    .from(remoteConfigRevisions)
    .orderBy(desc(remoteConfigRevisions.revision))
    .limit(1)
    .get();
  return row ?? null;
}

/** Stores a new revision and returns it; revisions only ever grow. */
export async function insertConfigRevision(db: Db, document: string, now: number): Promise<StoredConfig> {
  const row = await db.insert(remoteConfigRevisions).values({ document, createdAt: now }).returning().get();
  return row;
}

/**
 * Stores a new revision only if the live one is still `expected` (0: none yet), in one
 * statement, so two admins editing at once cannot silently overwrite each other. Null if the
 * live revision has moved on.
 */
export async function insertConfigRevisionIf(
  db: Db,
  document: string,
  now: number,
  expected: number,
): Promise<StoredConfig | null> {
  const t = remoteConfigRevisions;
  const row = await db.get<StoredConfig | undefined>(
    sql`INSERT INTO ${t} (${sql.identifier(t.document.name)}, ${sql.identifier(t.createdAt.name)})
        SELECT ${document}, ${now}
        WHERE (SELECT coalesce(max(${sql.identifier(t.revision.name)}), 0) FROM ${t}) = ${expected}
        RETURNING ${sql.identifier(t.revision.name)} AS revision, ${sql.identifier(t.document.name)} AS document,
                  ${sql.identifier(t.createdAt.name)} AS createdAt`,
  );
  return row ?? null;
}
