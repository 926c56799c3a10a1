import { h } from "../dom";

const KEEP = 8;

/**
 * What the SDK reported (rejected mutations, conflicts, sign-outs, upgrade requests) and the
 * demo's own failures, newest first, announced to screen readers as they arrive.
 */
export function eventsView(): { el: HTMLElement; report(message: string): void } {
  const list = h("ul", { class: "events", "aria-label": "Events", "aria-live": "polite" });
  const report = (message: string) => {
    const time = new Date().toLocaleTimeString();
    list.prepend(h("li", {}, `${time} ${message}`));
    while (list.children.length > KEEP) list.lastElementChild?.remove();
  };
  const el = h(
    "section",
    { "aria-labelledby": "events-heading" },
    h("h2", { id: "events-heading" }, "Events"),
    h("p", { class: "hint" }, "Rejected edits, conflicts and errors appear here."),
    list,
  );
  return { el, report };
}
