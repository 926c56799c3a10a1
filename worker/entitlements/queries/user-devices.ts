import type { D1Like } from "../../db/client";

/** The user's devices they are signed in on (a device they signed out on gets nothing of theirs). */
export async function linkedDeviceIds(d1: D1Like, userId: string): Promise<string[]> {
  const { results } = await d1
    .prepare("SELECT id FROM devices WHERE user_id = ? AND unlinked_at IS NULL")
    .bind(userId)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}
