import { desc } from "drizzle-orm";
import type { Db } from "../client";
import { remoteConfigRevisions } from "../schema";

export interface StoredConfig {
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
