import { field, fieldValue, fill, form, h } from "../dom";
import type { KnownSpace } from "../known-spaces";
import type { SpacesApi } from "../spaces-api";

export interface SpacesViewOptions {
  api: SpacesApi;
  spaces: () => KnownSpace[];
  current: () => string;
  /** New list from the server (or one more space): the app stores it and re-renders. */
  onSpaces: (spaces: KnownSpace[]) => void;
  onSelect: (spaceId: string) => void;
  report: (message: string) => void;
}

/**
 * Pick a space, create a shared one, add a member by user id. Sharing is two steps because the
 * API adds members by user id: the other person reads "Your user id" off their screen, the owner
 * adds it here, and the other person presses "Refresh spaces" to see the space appear.
 */
export function spacesView(options: SpacesViewOptions): { el: HTMLElement; render(): void } {
  const { api, report } = options;
  const select = h("select", {
    name: "space",
    onchange: (event: Event) => options.onSelect((event.target as HTMLSelectElement).value),
  });
  const spaceId = h("output", { "aria-label": "Space id" });
  const members = h("div");

  const fail = (what: string) => (error: unknown) =>
    report(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);

  const refresh = async () => {
    try {
      options.onSpaces(await api.list());
    } catch (error) {
      fail("Refreshing spaces")(error);
    }
  };

  const create = form(
    { class: "row", "aria-label": "Create a shared space" },
    async (fields, el) => {
      const name = fieldValue(fields, "name");
      if (!name) return;
      try {
        const space = await api.create(name);
        el.reset();
        options.onSpaces([...options.spaces(), space]);
        options.onSelect(space.id);
      } catch (error) {
        fail("Creating the space")(error);
      }
    },
    field(
      "New space name",
      h("input", { name: "name", required: true, maxlength: 200, autocomplete: "off" }),
    ),
    h("button", { type: "submit" }, "Create space"),
  );

  const addMember = (space: KnownSpace) =>
    form(
      { class: "row", "aria-label": "Add a member" },
      async (fields, el) => {
        const userId = fieldValue(fields, "userId");
        const role = fieldValue(fields, "role") === "viewer" ? "viewer" : "editor";
        if (!userId) return;
        try {
          await api.addMember(space.id, userId, role);
          el.reset();
          report(`Added ${userId} to ${space.name} as ${role}.`);
        } catch (error) {
          fail("Adding the member")(error);
        }
      },
      field("Member user id", h("input", { name: "userId", required: true, autocomplete: "off" })),
      field(
        "Role",
        h(
          "select",
          { name: "role" },
          h("option", { value: "editor" }, "editor"),
          h("option", { value: "viewer" }, "viewer"),
        ),
      ),
      h("button", { type: "submit" }, "Add member"),
    );

  const render = () => {
    const current = options.current();
    fill(
      select,
      ...options
        .spaces()
        .map((s) =>
          h(
            "option",
            { value: s.id, selected: s.id === current },
            s.id === "me" ? "Personal (me)" : `${s.name} (${s.role})`,
          ),
        ),
    );
    select.value = current;
    spaceId.textContent = current;
    const space = options.spaces().find((s) => s.id === current);
    fill(members, space && space.id !== "me" && space.role === "owner" ? addMember(space) : null);
  };

  const el = h(
    "section",
    { "aria-labelledby": "spaces-heading" },
    h("h2", { id: "spaces-heading" }, "Spaces"),
    h(
      "div",
      { class: "row" },
      field("Space", select),
      h("button", { type: "button", onclick: () => void refresh() }, "Refresh spaces"),
    ),
    h("p", { class: "hint" }, "Space id: ", spaceId),
    members,
    create,
  );
  render();
  return { el, render };
}
