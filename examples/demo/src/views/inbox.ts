import { type InboxItem, type Outpost, OutpostError } from "@outpost/client";
import { fill, h } from "../dom";

/**
 * The in-app inbox (`GET /v1/notifications`). "Enable push" registers this browser as a device
 * with a fake FCM token, so campaigns sent to this user show up here and on the fake providers'
 * page (http://127.0.0.1:9700/).
 */
export function inboxView(
  outpost: Outpost,
  pushToken: string,
  report: (message: string) => void,
): HTMLElement {
  const list = h("ul", { class: "inbox", "aria-label": "Inbox" });
  const empty = h("p", { class: "hint" }, "No notifications.");
  const fail = (what: string) => (error: unknown) =>
    report(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);

  const load = async () => {
    try {
      const page = await outpost.push.inbox();
      render(page.items);
    } catch (error) {
      // The inbox is read from the server only; offline is not worth an event.
      if (error instanceof OutpostError && error.code === "network") {
        empty.textContent = "Offline: the inbox loads when the network is back.";
        empty.hidden = list.children.length > 0;
      } else fail("Loading the inbox")(error);
    }
  };

  const render = (items: InboxItem[]) => {
    empty.textContent = "No notifications.";
    fill(
      list,
      ...items.map((item) => {
        const read = h(
          "button",
          { type: "button", "aria-label": `Mark read: ${item.title}`, disabled: item.readAt !== null },
          "Mark read",
        );
        read.addEventListener("click", () => {
          outpost.push.markRead(item.id).then(load, fail("Marking as read"));
        });
        return h(
          "li",
          { "data-unread": String(item.readAt === null) },
          h("div", { class: "body" }, h("div", { class: "title" }, item.title), h("div", {}, item.body)),
          read,
        );
      }),
    );
    empty.hidden = items.length > 0;
  };

  const enable = h("button", { type: "button" }, "Enable push");
  enable.addEventListener("click", () => {
    outpost.push
      .register({ provider: "fcm", token: pushToken })
      .then(
        () => report(`Registered for push with the fake FCM token ${pushToken}.`),
        fail("Registering for push"),
      );
  });

  void load();
  return h(
    "section",
    { "aria-labelledby": "inbox-heading" },
    h("h2", { id: "inbox-heading" }, "Inbox"),
    h(
      "div",
      { class: "row" },
      enable,
      h("button", { type: "button", onclick: () => void load() }, "Refresh inbox"),
    ),
    empty,
    list,
  );
}
