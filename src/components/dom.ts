/**
 * Small DOM helpers the pages' components share: an element with attributes and children, a
 * button, a labelled checkbox, and a file download. Plain DOM, no framework; every helper takes
 * the document to build in (default: the page's), so a component can build inside a frame.
 */

/** Attributes of a new element; `text` sets its text, `undefined` values are skipped. */
export type Props = Record<string, string | undefined>;

/** A `tag` element with these attributes (`class`, `title`, `data-*`, … and `text`) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  return elIn(document, tag, props, ...children);
}

/** `el` in another document (e.g. a frame's, or the one a component was mounted into). */
export function elIn<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  props: Props = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

/** A `type="button"` button that calls `onClick` when pressed. */
export function button(
  label: string,
  onClick: () => void,
  props: Props = {},
  doc: Document = document
): HTMLButtonElement {
  const b = elIn(doc, "button", {type: "button", ...props, text: label});
  b.addEventListener("click", onClick);
  return b;
}

/**
 * A checkbox inside its label (`<label><input type=checkbox> text</label>`); `onChange` gets the
 * new value. `props` go on the label, `control` names the box (`data-control`) for tests and focus.
 */
export function checkbox(
  text: string,
  checked: boolean,
  onChange: (checked: boolean) => void,
  options: {control?: string; props?: Props} = {}
): HTMLLabelElement {
  const box = el("input", {type: "checkbox", "data-control": options.control});
  box.checked = checked;
  box.addEventListener("change", () => onChange(box.checked));
  return el("label", options.props ?? {}, box, text);
}

/** Offers `text` to the reader as a file named `name` (a temporary link, clicked). */
export function downloadText(name: string, text: string, type = "application/json", doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([text], {type}));
  const a = elIn(doc, "a", {href: url, download: name});
  doc.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
