import type { KnownSpace } from "./known-spaces";

/** An authenticated JSON call through the SDK (device headers, bearer, refresh on 401). */
export type Request = (method: "GET" | "POST", path: string, body?: unknown) => Promise<unknown>;

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

/** `/v1/spaces`: the one part of the API the SDK does not wrap (spaces are managed, not synced). */
export function spacesApi(request: Request): SpacesApi {
  // The personal space is addressed as `me` everywhere in the demo, as the SDK's docs do.
  const known = (s: ServerSpace): KnownSpace =>
    s.kind === "personal"
      ? { id: "me", name: "Personal", role: "owner" }
      : { id: s.id, name: s.name, role: s.role };
  return {
    async list() {
      const body = (await request("GET", "/v1/spaces")) as { spaces: ServerSpace[] };
      return body.spaces.map(known);
    },
    async create(name) {
      return known((await request("POST", "/v1/spaces", { name })) as ServerSpace);
    },
    async addMember(spaceId, userId, role) {
      await request("POST", `/v1/spaces/${encodeURIComponent(spaceId)}/members`, { userId, role });
    },
  };
}
