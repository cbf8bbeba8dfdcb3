/**
 * The playground's banners: errors (a change that was refused, a worker that stopped) and notes
 * (adjustments the session made), each shown once until dismissed, above everything else.
 */
import {button, el} from "../dom.js";

export interface Banners {
  /** The list of banners (an ARIA alert region; empty when nothing is shown). */
  readonly root: HTMLElement;
  /** Shows `text` unless it is already shown; the reader can dismiss it with its ×. */
  show(text: string, kind?: "error" | "note"): void;
  /** Removes every banner. */
  clear(): void;
}

export function createBanners(): Banners {
  const root = el("div", {class: "pg-messages", role: "alert", "aria-live": "polite"});
  const shown = new Set<string>();
  return {
    root,
    show(text, kind = "error") {
      if (shown.has(text)) return;
      shown.add(text);
      const item = el("div", {class: kind === "error" ? "pg-message sn-error" : "pg-message pg-note"});
      const close = button(
        "×",
        () => {
          item.remove();
          shown.delete(text);
        },
        {class: "pg-dismiss", title: "dismiss"}
      );
      item.append(el("span", {text}), close);
      root.append(item);
    },
    clear() {
      root.replaceChildren();
      shown.clear();
    }
  };
}
