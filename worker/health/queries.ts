/** Whether D1 answers a trivial query (for `/healthz`); throws when it does not. */
export async function pingDatabase(db: D1Database): Promise<void> {
  await db.prepare("SELECT 1").first();
}
