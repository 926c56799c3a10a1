import type { Space, SpaceStatus } from "@outpost/client";
import { h } from "../dom";

/**
 * The header badge: connection, pending mutations, the space's version. Follows one space at a
 * time (the one on screen) through its `status` event.
 */
export function statusView(): { el: HTMLElement; follow(space: Space | null): void } {
  const online = h("output", { "aria-label": "Connection" });
  const pending = h("output", { "aria-label": "Pending changes" });
  const version = h("output", { "aria-label": "Space version" });
  const el = h(
    "p",
    { class: "status", role: "status", "aria-label": "Sync status" },
    online,
    " · ",
    pending,
    " pending · v",
    version,
  );
  const render = (status: SpaceStatus | null) => {
    online.textContent = !status
      ? "Signed out"
      : !status.online
        ? "Offline"
        : status.syncing
          ? "Online, syncing"
          : "Online";
    pending.textContent = String(status?.pending ?? 0);
    version.textContent = String(status?.version ?? 0);
    el.dataset.online = String(status?.online ?? false);
    el.title = status?.lastError
      ? `Last error: ${status.lastError.code} ${status.lastError.detail ?? ""}`
      : "";
  };
  let unsubscribe: (() => void) | undefined;
  const follow = (space: Space | null) => {
    unsubscribe?.();
    unsubscribe = space?.on("status", render);
    render(space?.status ?? null);
  };
  render(null);
  return { el, follow };
}
