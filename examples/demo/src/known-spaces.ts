/**
 * The spaces this browser has seen, kept per user in localStorage so the space picker works on an
 * offline launch (the list itself comes from `GET /v1/spaces` whenever the network is there).
 */
export interface KnownSpace {
  /** `me` for the personal space, the shared space's id otherwise. */
  id: string;
  name: string;
  role: "owner" | "editor" | "viewer";
}

const PERSONAL: KnownSpace = { id: "me", name: "Personal", role: "owner" };

function key(userId: string): string {
  return `outpost-demo:spaces:${userId}`;
}

export function loadKnownSpaces(userId: string): KnownSpace[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(key(userId)) ?? "[]") as KnownSpace[];
    return [PERSONAL, ...parsed.filter((s) => s.id !== "me")];
  } catch {
    return [PERSONAL];
  }
}

export function saveKnownSpaces(userId: string, spaces: KnownSpace[]): void {
  localStorage.setItem(key(userId), JSON.stringify(spaces.filter((s) => s.id !== "me")));
}

export function forgetKnownSpaces(userId: string): void {
  localStorage.removeItem(key(userId));
}

export function selectedSpace(userId: string): string {
  return localStorage.getItem(`${key(userId)}:selected`) ?? "me";
}

export function selectSpace(userId: string, spaceId: string): void {
  localStorage.setItem(`${key(userId)}:selected`, spaceId);
}
