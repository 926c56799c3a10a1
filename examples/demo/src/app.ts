import type { Outpost, PendingMutation, Space } from "@outpost/client";
import { fill, h } from "./dom";
import {
  type KnownSpace,
  loadKnownSpaces,
  saveKnownSpaces,
  selectedSpace,
  selectSpace,
} from "./known-spaces";
import { spacesApi } from "./spaces-api";
import { accountView } from "./views/account";
import { eventsView } from "./views/events";
import { flagsView } from "./views/flags";
import { inboxView } from "./views/inbox";
import { spacesView } from "./views/spaces";
import { statusView } from "./views/status";
import { tasksView } from "./views/tasks";

const OPS = { put: "saving", patch: "changing", delete: "deleting" } as const;

/** "saving task “Buy milk”", or the key when the mutation carries no title. */
function describe(mutation: PendingMutation): string {
  const title = mutation.value?.title;
  const what = typeof title === "string" ? `“${title}”` : mutation.key;
  return `${OPS[mutation.op]} ${mutation.collection === "tasks" ? "task" : mutation.collection} ${what}`;
}

/**
 * Mounts the demo in `root`. The page is rebuilt when the user changes (sign-in, sign-out); within
 * one user only the tasks section is swapped when another space is picked.
 */
export function mountApp(root: HTMLElement, outpost: Outpost): void {
  const events = eventsView();
  const report = events.report;
  const status = statusView();
  const body = h("div", { class: "body" });
  fill(root, h("header", {}, h("h1", {}, "Outpost demo"), status.el), body, events.el);
  root.removeAttribute("aria-busy");

  // Each space's events are wired once, however often it is picked again.
  const wired = new Set<string>();
  const wire = (id: string, space: Space) => {
    if (wired.has(id)) return;
    wired.add(id);
    space.on("rejected", ({ mutation, error }) =>
      report(`Rejected (${error.code}): ${describe(mutation)}; rolled back.`),
    );
    space.on("conflict", ({ mutation }) =>
      report(`Conflict: ${describe(mutation)}: changed on the server, its version kept.`),
    );
  };

  // Listeners of the page being shown, removed when it is replaced.
  let stopPage: Array<() => void> = [];
  let stopTasks: (() => void) | null = null;
  let shownUser: string | undefined;

  const renderUser = () => {
    const who = outpost.auth.user ? `${outpost.auth.user.id}:${outpost.auth.user.anonymous}` : "";
    if (who === shownUser) return;
    shownUser = who;
    stopTasks?.();
    stopTasks = null;
    for (const stop of stopPage) stop();
    stopPage = [];
    status.follow(null);
    wired.clear();
    const user = outpost.auth.user;
    if (!user) {
      outpost.sync.stop();
      fill(body, accountView(outpost, report, renderUser));
      return;
    }
    let spaces: KnownSpace[] = loadKnownSpaces(user.id);
    let spaceId = selectedSpace(user.id);
    if (!spaces.some((s) => s.id === spaceId)) spaceId = "me";

    const tasksSlot = h("div");
    const showSpace = () => {
      stopTasks?.();
      const known = spaces.find((s) => s.id === spaceId) ?? spaces[0];
      const space = outpost.sync.space(spaceId);
      wire(spaceId, space);
      status.follow(space);
      const view = tasksView(space, known?.name ?? spaceId, known?.role === "viewer", report);
      stopTasks = view.stop;
      fill(tasksSlot, view.el);
      outpost.sync.start();
    };

    const api = spacesApi(outpost);
    const setSpaces = (next: KnownSpace[]) => {
      spaces = [
        spaces[0] ?? { id: "me", name: "Personal", role: "owner" },
        ...next.filter((s) => s.id !== "me"),
      ];
      saveKnownSpaces(user.id, spaces);
      spacesSection.render();
    };
    const spacesSection = spacesView({
      api,
      spaces: () => spaces,
      current: () => spaceId,
      onSpaces: setSpaces,
      onSelect: (id) => {
        spaceId = id;
        selectSpace(user.id, id);
        spacesSection.render();
        showSpace();
      },
      report,
    });

    const flags = flagsView(outpost, report);
    stopPage.push(flags.stop);
    fill(
      body,
      accountView(outpost, report, renderUser),
      spacesSection.el,
      tasksSlot,
      inboxView(outpost, `demo-web-${user.id}`, report),
      flags.el,
    );
    showSpace();
    // Spaces shared with this user since the last visit; offline, the stored list is kept.
    api.list().then(setSpaces, () => undefined);
  };

  // A sign-in is rendered once signInAnonymously() resolves: `change` fires before the SDK has
  // opened the new user's spaces. A sign-out (by the user or the server) is rendered at once.
  outpost.auth.onChange((user) => {
    if (!user) renderUser();
  });
  outpost.auth.on("signedOut", ({ reason }) => report(`Signed out (${reason}).`));
  outpost.on("upgradeRequired", ({ minVersion }) =>
    report(`This app version is too old: update to ${minVersion}.`),
  );
  // Coming back online: pull every space and push what is pending at once, instead of waiting
  // for the SDK's next retry (what a silent push or app foregrounding does on a phone).
  window.addEventListener("online", () => void outpost.sync.wake().catch(() => undefined));
  renderUser();
}
