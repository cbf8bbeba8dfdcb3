// @vitest-environment jsdom
import {describe, expect, it, vi} from "vitest";
import {button, checkbox, downloadText, el, elIn} from "../../src/components/dom.js";

/** jsdom's Blob has no text(): read it as a file reader would. */
function blobText(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

describe("DOM helpers", () => {
  it("el sets attributes and text, skips undefined ones, and appends children in order", () => {
    const child = el("span", {text: "b"});
    const node = el("div", {class: "x y", title: "t", "data-control": "c", hidden: undefined}, "a", child, "c");
    expect(node.tagName).toBe("DIV");
    expect(node.className).toBe("x y");
    expect(node.title).toBe("t");
    expect(node.dataset.control).toBe("c");
    expect(node.hasAttribute("hidden")).toBe(false);
    expect(node.textContent).toBe("abc");
    expect(node.childNodes[1]).toBe(child);
    expect(el("p", {text: "only text"}).outerHTML).toBe("<p>only text</p>");
  });

  it("elIn builds in the document it is given", () => {
    const other = document.implementation.createHTMLDocument("other");
    const node = elIn(other, "section", {"aria-label": "Cell 1"});
    expect(node.ownerDocument).toBe(other);
    expect(node.getAttribute("aria-label")).toBe("Cell 1");
  });

  it("button is a type=button button that calls its action on click", () => {
    const onClick = vi.fn();
    const b = button("▶ Play", onClick, {class: "pg-button", "data-action": "play"});
    expect(b.type).toBe("button");
    expect(b.textContent).toBe("▶ Play");
    expect(b.dataset.action).toBe("play");
    b.click();
    b.click();
    expect(onClick).toHaveBeenCalledTimes(2);
  });

  it("checkbox holds its box inside the label and reports each change", () => {
    const changes: boolean[] = [];
    const options = {control: "show-test", props: {class: "pg-check"}};
    const label = checkbox(" show test data", true, (v) => changes.push(v), options);
    document.body.append(label); // jsdom fires change on click for connected boxes only
    const box = label.querySelector("input")!;
    expect(label.className).toBe("pg-check");
    expect(label.textContent).toBe(" show test data");
    expect(box.type).toBe("checkbox");
    expect(box.checked).toBe(true);
    expect(box.dataset.control).toBe("show-test");
    box.click();
    box.click();
    expect(changes).toEqual([false, true]);
    label.remove();
  });

  it("downloadText clicks a temporary link to a blob holding the text, then removes it", async () => {
    const blobs: Blob[] = [];
    const create = vi.fn((blob: Blob) => {
      blobs.push(blob);
      return "blob:test/1";
    });
    const revoke = vi.fn();
    Object.assign(URL, {createObjectURL: create, revokeObjectURL: revoke});
    vi.useFakeTimers();
    const clicked: {href: string; download: string}[] = [];
    const onClick = (event: Event) => {
      const a = event.target as HTMLAnchorElement;
      event.preventDefault();
      clicked.push({href: a.getAttribute("href")!, download: a.download});
    };
    document.addEventListener("click", onClick);
    try {
      downloadText("weights.json", '{"a":1}');
      expect(clicked).toEqual([{href: "blob:test/1", download: "weights.json"}]);
      expect(document.querySelector("a")).toBeNull();
      expect(blobs[0].type).toBe("application/json");
      expect(revoke).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1000);
      expect(revoke).toHaveBeenCalledWith("blob:test/1");
    } finally {
      document.removeEventListener("click", onClick);
      vi.useRealTimers();
    }
    expect(await blobText(blobs[0])).toBe('{"a":1}');
  });
});
