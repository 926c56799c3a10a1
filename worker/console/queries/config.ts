import { desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { remoteConfigRevisions } from "../../db/schema";

/** Config revisions newest first (documents included: they are small). */
export async function listConfigRevisions(db: Db, limit = 30) {
  return db.select().from(remoteConfigRevisions).orderBy(desc(remoteConfigRevisions.revision)).limit(limit);
}

export async function getConfigRevision(db: Db, revision: number) {
  const rows = await db
    .select()
    .from(remoteConfigRevisions)
    .where(eq(remoteConfigRevisions.revision, revision));
  return rows[0];
}
