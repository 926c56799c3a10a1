import { fail, type SyncFailure } from "./space-rpc";

/**
 * Spaces: every user's personal space (made on first use) and shared spaces with members. The
 * owner (creator) manages members and writes; an editor pushes but cannot manage members; a
 * viewer may pull and open a socket but not push.
 */
export type SpaceRole = "owner" | "editor" | "viewer";

const PERSONAL_PREFIX = "p_";

/** A user's personal space id: derived, so it needs no lookup and can be created lazily. */
export const personalSpaceId = (userId: string) => `${PERSONAL_PREFIX}${userId}`;

/** `me` → the caller's personal space id; anything else is taken as is. */
export const resolveSpaceId = (spaceId: string, userId: string) =>
  spaceId === "me" ? personalSpaceId(userId) : spaceId;

// The rules below decide from the roles the SyncSpace object holds (null = not a member, who is
// told "no such space": no existence oracle). A refusal, or null when allowed.

/** Owners and editors push; viewers only pull. */
export function pushRefusal(role: SpaceRole | null): SyncFailure | null {
  if (!role) return fail("not_found", "No such space");
  if (role === "viewer") return fail("forbidden", "Viewers may pull but not push");
  return null;
}

/** Only the owner adds members or changes roles, never in a personal space, never the owner's own. */
export function memberChangeRefusal(input: {
  spaceId: string;
  actorRole: SpaceRole | null;
  targetRole: SpaceRole | undefined;
}): SyncFailure | null {
  if (!input.actorRole) return fail("not_found", "No such space");
  if (input.actorRole !== "owner") return fail("forbidden", "Only the owner manages members");
  if (input.spaceId.startsWith(PERSONAL_PREFIX))
    return fail("forbidden", "A personal space cannot be shared");
  if (input.targetRole === "owner") return fail("forbidden", "The owner's role cannot change");
  return null;
}

/** The owner removes anyone else; any member may remove themselves (leave); the owner stays. */
export function memberRemovalRefusal(input: {
  actorUserId: string;
  userId: string;
  actorRole: SpaceRole | null;
  targetRole: SpaceRole | undefined;
}): SyncFailure | null {
  if (!input.actorRole) return fail("not_found", "No such space");
  if (input.actorUserId !== input.userId && input.actorRole !== "owner")
    return fail("forbidden", "Only the owner removes others");
  if (!input.targetRole) return fail("not_found", "No such member");
  if (input.targetRole === "owner") return fail("forbidden", "The owner cannot leave or be removed");
  return null;
}
