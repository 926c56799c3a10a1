import type { D1Like } from "../db/client";

/** Whether D1 answers a trivial query (for `/healthz`); throws when it does not. */
export async function pingDatabase(db: D1Like): Promise<void> {
  await db.prepare("SELECT 1").first();
}
