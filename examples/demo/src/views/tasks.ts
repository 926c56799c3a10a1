import type { Row, Space } from "@outpost/client";
import { field, fieldValue, fill, form, h } from "../dom";

interface Task {
  title: string;
  done: boolean;
}

function asTask(value: unknown): Task | null {
  if (typeof value !== "object" || value === null) return null;
  const { title, done } = value as Record<string, unknown>;
  return typeof title === "string" ? { title, done: done === true } : null;
}

/**
 * Keys sort in creation order (`space.list` is in key order): a base-36 timestamp, then random
 * characters so two devices adding a task in the same millisecond never collide.
 */
function newTaskKey(): string {
  const random = crypto.getRandomValues(new Uint8Array(4));
  return `t${Date.now().toString(36)}${Array.from(random, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * The tasks of one space. Every edit is optimistic: `put`/`patch`/`delete` change local state at
 * once and queue the mutation; `watch` re-renders the list on every local or pulled change.
 */
export function tasksView(
  space: Space,
  spaceName: string,
  viewer: boolean,
  report: (message: string) => void,
): { el: HTMLElement; stop(): void } {
  const list = h("ul", { class: "tasks", "aria-label": "Tasks" });
  const empty = h("p", { class: "hint" }, "No tasks yet.");
  const input = h("input", { name: "title", required: true, maxlength: 500, autocomplete: "off" });

  const run = (what: string, work: Promise<unknown>) =>
    work.catch((error: unknown) =>
      report(`${what} failed: ${error instanceof Error ? error.message : String(error)}`),
    );

  const render = (rows: Row[]) => {
    const items = rows.flatMap(({ key, value }) => {
      const task = asTask(value);
      if (!task) return [];
      const toggle = h("input", {
        type: "checkbox",
        "aria-label": `Done: ${task.title}`,
        checked: task.done,
        onchange: (event: Event) =>
          void run("Update", space.patch("tasks", key, { done: (event.target as HTMLInputElement).checked })),
      });
      const remove = h(
        "button",
        {
          type: "button",
          "aria-label": `Delete ${task.title}`,
          onclick: () => void run("Delete", space.delete("tasks", key)),
        },
        "Delete",
      );
      return [
        h(
          "li",
          { "data-key": key, "data-done": String(task.done) },
          toggle,
          h("span", { class: "title" }, task.title),
          remove,
        ),
      ];
    });
    fill(list, ...items);
    empty.hidden = items.length > 0;
  };

  const add = form(
    { class: "row", "aria-label": "Add a task" },
    async (fields, el) => {
      const title = fieldValue(fields, "title");
      if (!title) return;
      el.reset();
      input.focus();
      await run("Add", space.put("tasks", newTaskKey(), { title, done: false }));
    },
    field("New task", input),
    h("button", { type: "submit" }, "Add task"),
  );

  // watch() renders the current list at once, then after every change.
  const stop = space.watch("tasks", render);
  const el = h(
    "section",
    { "aria-labelledby": "tasks-heading" },
    h("h2", { id: "tasks-heading" }, `Tasks in ${spaceName}`),
    // Left editable on purpose: the demo shows what the SDK does with a refused edit.
    viewer &&
      h(
        "p",
        { class: "hint" },
        "You are a viewer here: the server refuses your edits and the SDK rolls them back (see Events).",
      ),
    add,
    empty,
    list,
  );
  return { el, stop };
}
