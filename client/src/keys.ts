/** Storage key layout: one place, so adapters and tests can reason about what is kept. */
const P = "outpost:";

export const KEYS = {
  device: `${P}device`,
  session: `${P}session`,
  refreshLock: `${P}lock:refresh`,
  bookmark: `${P}bookmark`,
  config: `${P}config`,
  push: `${P}push`,
} as const;

/** Everything of one user's synced spaces lives under this prefix (signOut deletes it). */
export const userPrefix = (userId: string) => `${P}s:${userId}:`;
export const spacePrefix = (userId: string, spaceId: string) => `${userPrefix(userId)}${spaceId}:`;

export const spaceKeys = (userId: string, spaceId: string) => {
  const base = spacePrefix(userId, spaceId);
  return {
    meta: `${base}meta`,
    recordPrefix: `${base}r:`,
    mutationPrefix: `${base}m:`,
    record: (id: string) => `${base}r:${id}`,
    // Zero-padded so a prefix scan returns mutations in id order on sorted stores.
    mutation: (id: number) => `${base}m:${String(id).padStart(16, "0")}`,
  };
};
