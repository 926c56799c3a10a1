import {
  SOCKET_HEADERS,
  unavailable,
  type SocketOwner,
  type MemberOutcome,
  type PushRequest,
  type RemoveOutcome,
  type SyncPushOutcome,
} from "./space-rpc";
import type { SpaceRole } from "./spaces";

/**
 * The one way into a space's SyncSpace object (one per space, by name): the only place its stub
 * is got and its RPC results are typed. Refusals come back as values (`ok: false`), never thrown.
 */
export function syncSpaceClient(env: Env, spaceId: string) {
  const stub = env.SYNC_SPACE.get(env.SYNC_SPACE.idFromName(spaceId));
  return {
    /** Never throws: a call that fails (object reset or overloaded) is `unavailable`, safe to retry. */
    async push(req: Omit<PushRequest, "spaceId">): Promise<SyncPushOutcome> {
      try {
        // RPC result types cannot express `unknown` (record values); the shape is SyncPushOutcome.
        return (await stub.push({ ...req, spaceId })) as unknown as SyncPushOutcome;
      } catch (error) {
        // Whatever the object committed before it failed, a retry is safe.
        console.error(
          JSON.stringify({ level: "warn", message: "sync push RPC failed", error: String(error) }),
        );
        return unavailable();
      }
    },

    /** Through the object: it caches members and roles, so it must see every change. */
    async setMember(actorUserId: string, userId: string, role: Exclude<SpaceRole, "owner">) {
      return (await stub.setMember(spaceId, actorUserId, userId, role)) as MemberOutcome;
    },

    async removeMember(actorUserId: string, userId: string) {
      return (await stub.removeMember(spaceId, actorUserId, userId)) as RemoveOutcome;
    },

    /**
     * Forwards a WebSocket upgrade for a user (session, device) the Worker has verified: 101 with
     * the socket, 404 when they are not a member.
     */
    openSocket(owner: SocketOwner): Promise<Response> {
      const headers = new Headers({
        Upgrade: "websocket",
        [SOCKET_HEADERS.space]: spaceId,
        [SOCKET_HEADERS.user]: owner.userId,
        [SOCKET_HEADERS.session]: owner.sessionId,
        [SOCKET_HEADERS.expires]: String(owner.expiresAt),
      });
      if (owner.deviceId) headers.set(SOCKET_HEADERS.device, owner.deviceId);
      return stub.fetch("https://sync-space/socket", { headers });
    },
  };
}
