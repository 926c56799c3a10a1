/**
 * The demo's whole view layer: `h()` builds an element from attributes, listeners and children.
 * Views build their static parts once and replace only the lists that change, so a field being
 * typed in is never re-rendered under the user's fingers.
 */
type Child = Node | string | null | undefined | false;
type Props = Record<string, string | boolean | number | EventListener | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.replace(/^on/, ""), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child);
  }
}

/** Replaces an element's children (the list views' re-render). */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A form whose submit is handled in script; the handler gets the form's named fields. */
export function form(
  props: Props,
  onSubmit: (fields: FormData, form: HTMLFormElement) => void | Promise<void>,
  ...children: Child[]
): HTMLFormElement {
  const el = h("form", props, ...children);
  el.addEventListener("submit", (event) => {
    event.preventDefault();
    void onSubmit(new FormData(el), el);
  });
  return el;
}

let fieldIds = 0;

/**
 * A label tied to its control by `for`/`id`, beside it rather than around it: a label wrapping a
 * select or a filled input would take the control's value into its accessible name.
 */
export function field(label: string, control: HTMLElement): HTMLDivElement {
  control.id ||= `field-${++fieldIds}`;
  return h("div", { class: "field" }, h("label", { for: control.id }, label), control);
}

export function fieldValue(fields: FormData, name: string): string {
  const value = fields.get(name);
  return typeof value === "string" ? value.trim() : "";
}
