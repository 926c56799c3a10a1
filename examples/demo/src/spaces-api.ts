import type { Outpost } from "@outpost/client";
import type { KnownSpace } from "./known-spaces";

export interface SpacesApi {
  list(): Promise<KnownSpace[]>;
  create(name: string): Promise<KnownSpace>;
  addMember(spaceId: string, userId: string, role: "editor" | "viewer"): Promise<void>;
}

interface ServerSpace {
  id: string;
  name: string;
  kind: "personal" | "shared";
  role: KnownSpace["role"];
}

/**
 * `/v1/spaces`: managed, not synced, so the SDK has no wrapper; `outpost.request()` adds the
 * device headers, the bearer (refreshed, retried once after a 401) and OutpostError.
 */
export function spacesApi(outpost: Outpost): SpacesApi {
  // The personal space is addressed as `me` everywhere in the demo, as the SDK's docs do.
  const known = (s: ServerSpace): KnownSpace =>
    s.kind === "personal"
      ? { id: "me", name: "Personal", role: "owner" }
      : { id: s.id, name: s.name, role: s.role };
  return {
    async list() {
      const body = await outpost.request<{ spaces: ServerSpace[] }>("GET", "/v1/spaces");
      return body.spaces.map(known);
    },
    async create(name) {
      return known(await outpost.request<ServerSpace>("POST", "/v1/spaces", { body: { name } }));
    },
    async addMember(spaceId, userId, role) {
      await outpost.request("POST", `/v1/spaces/${encodeURIComponent(spaceId)}/members`, {
        body: { userId, role },
      });
    },
  };
}
