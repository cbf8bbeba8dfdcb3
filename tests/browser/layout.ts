/**
 * What a reader sees, checked in the page (generic helpers for any page of the site):
 * - `firstScreen`: whether an element lies wholly inside the first screen (the viewport, unscrolled);
 * - `layoutProblems`: content that sticks out of the page's column, is cut off by a box that
 *   hides its overflow or by its chart's edge (SVG text), and, on a desktop, content hidden behind
 *   a sideways scroll bar;
 * - `overlappingTickLabels`: pairs of axis tick labels of one chart whose boxes overlap;
 * - `markdownLeftovers`: literal Markdown emphasis (`*word*`, `**word**`) in the rendered text.
 * Each returns human-readable descriptions (an empty list when all is well), so a failing test
 * says what and where.
 */
import type {Locator, Page} from "playwright-core";

export interface ScreenPlacement {
  /** True when the element's box is wholly inside the viewport at scroll position 0. */
  inside: boolean;
  top: number;
  bottom: number;
  viewportHeight: number;
}

/** Where `target` lies relative to the first screen (the page scrolled to the top first). */
export async function firstScreen(page: Page, target: Locator): Promise<ScreenPlacement> {
  await page.evaluate(() => window.scrollTo(0, 0));
  return target.evaluate((element: Element) => {
    const box = element.getBoundingClientRect();
    const top = box.top + window.scrollY,
      bottom = box.bottom + window.scrollY;
    return {
      inside: box.width > 0 && box.height > 0 && top >= 0 && bottom <= window.innerHeight,
      top,
      bottom,
      viewportHeight: window.innerHeight
    };
  });
}

export interface LayoutOptions {
  /** Root to check (default: the page's main column, #observablehq-main). */
  root?: string;
  /** Also report content hidden behind a sideways scroll bar (a desktop should show it all). */
  noSidewaysScroll?: boolean;
  /** Check SVG text against its chart's edges (default true). */
  svgText?: boolean;
}

/** Content that overflows its box, as a list of descriptions. */
export async function layoutProblems(page: Page, options: LayoutOptions = {}): Promise<string[]> {
  return page.evaluate(
    ({root: rootSelector, noSidewaysScroll, svgText}) => {
      const root = document.querySelector(rootSelector) as HTMLElement | null;
      if (!root) return [`no element ${rootSelector}`];
      const describe = (el: Element) => {
        const id = el.id ? `#${el.id}` : "";
        const cls =
          typeof el.className === "string" && el.className
            ? `.${el.className.trim().split(/\s+/).slice(0, 2).join(".")}`
            : "";
        const text = (el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 40);
        return `<${el.tagName.toLowerCase()}${id}${cls}>${text ? ` "${text}"` : ""}`;
      };
      const visible = (el: Element) => {
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return style.visibility !== "hidden" && style.display !== "none" && box.width > 2 && box.height > 2;
      };
      const inScroller = (el: Element) => {
        for (let p = el.parentElement; p && p !== root; p = p.parentElement) {
          const o = getComputedStyle(p).overflowX;
          if (o === "auto" || o === "scroll") return true;
        }
        return false;
      };
      const problems: string[] = [];
      const column = root.getBoundingClientRect();
      for (const el of Array.from(root.querySelectorAll("*"))) {
        if (!visible(el)) continue;
        const box = el.getBoundingClientRect();
        // Sticking out of the page's column (sideways), unless inside a box that scrolls.
        if (box.right > column.right + 1 && !inScroller(el)) {
          problems.push(
            `${describe(el)} reaches ${Math.round(box.right)} px, past the column's right edge at ${Math.round(column.right)} px`
          );
          continue;
        }
        // SVG text running past its chart's edge is cut off there ("earned butterfly" for "learned butterfly").
        if (el instanceof SVGTextElement && svgText) {
          const owner = el.ownerSVGElement;
          const svg = owner && getComputedStyle(owner).overflow !== "visible" ? owner.getBoundingClientRect() : null;
          if (svg && (box.left < svg.left - 1 || box.right > svg.right + 1)) {
            problems.push(
              `${describe(el)} runs past its chart's edge by ${Math.round(Math.max(svg.left - box.left, box.right - svg.right))} px and is cut off`
            );
          }
        }
        if (!(el instanceof HTMLElement)) continue;
        const overflow = getComputedStyle(el).overflowX;
        const hidden = el.scrollWidth > el.clientWidth + 1;
        if (
          hidden &&
          (overflow === "hidden" || overflow === "clip") &&
          getComputedStyle(el).textOverflow !== "ellipsis"
        ) {
          problems.push(
            `${describe(el)} cuts off ${el.scrollWidth - el.clientWidth} px of its content (${el.scrollWidth} px in a ${el.clientWidth} px box)`
          );
        } else if (hidden && noSidewaysScroll && (overflow === "auto" || overflow === "scroll")) {
          problems.push(
            `${describe(el)} hides ${el.scrollWidth - el.clientWidth} px of its content behind a sideways scroll bar (${el.scrollWidth} px in a ${el.clientWidth} px box)`
          );
        }
      }
      return problems;
    },
    {
      root: options.root ?? "#observablehq-main",
      noSidewaysScroll: options.noSidewaysScroll ?? false,
      svgText: options.svgText ?? true
    }
  );
}

/** Pairs of tick labels (Plot's "…-axis tick label" groups) of one chart whose boxes overlap. */
export async function overlappingTickLabels(page: Page, root = "#observablehq-main"): Promise<string[]> {
  return page.evaluate((rootSelector) => {
    const problems: string[] = [];
    const svgs = Array.from(document.querySelectorAll(`${rootSelector} svg`));
    svgs.forEach((svg, index) => {
      const labels = Array.from(svg.querySelectorAll("[aria-label$='tick label'] text"))
        .map((t) => ({
          text: t.textContent ?? "",
          axis: t.closest("[aria-label]")?.getAttribute("aria-label") ?? "",
          box: t.getBoundingClientRect()
        }))
        .filter((l) => l.box.width > 0 && l.box.height > 0);
      for (let i = 0; i < labels.length; i++) {
        for (let j = i + 1; j < labels.length; j++) {
          const a = labels[i].box,
            b = labels[j].box;
          // One pixel of slack: neighbouring labels may touch.
          const overlapX = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const overlapY = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (overlapX > 1 && overlapY > 1) {
            const figure =
              svg.closest("figure")?.querySelector("figcaption")?.textContent?.trim().slice(0, 50) ??
              `chart ${index + 1}`;
            problems.push(
              `"${labels[i].text}" (${labels[i].axis}) overlaps "${labels[j].text}" (${labels[j].axis}) in ${figure}`
            );
          }
        }
      }
    });
    return problems;
  }, root);
}

/** Literal Markdown emphasis markers in the page's text (code, editors and inputs excepted). */
export async function markdownLeftovers(page: Page, root = "#observablehq-main"): Promise<string[]> {
  return page.evaluate((rootSelector) => {
    const found: string[] = [];
    const rootEl = document.querySelector(rootSelector);
    if (!rootEl) return [`no element ${rootSelector}`];
    const walker = document.createTreeWalker(rootEl, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest("pre, code, textarea, .cm-editor, script, style")) continue;
      const text = node.textContent ?? "";
      // "*word", "word*" or "**": what Markdown emphasis leaves when it was not rendered.
      const match = text.match(/\*\*|(^|[\s(“"])\*[^\s*]|[^\s*]\*($|[\s.,;:)”"])/);
      if (match) found.push(`"${text.trim().slice(0, 80)}" in <${parent.tagName.toLowerCase()}>`);
    }
    return found;
  }, root);
}
