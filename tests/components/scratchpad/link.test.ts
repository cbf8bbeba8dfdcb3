// The Scratchpad's link: the cells' text in the URL hash, written after changes, read when it
// changes. A stand-in window (an address, replaceState, hashchange events) keeps this in Node,
// whose Blob streams the codec's compression needs.
import {describe, expect, it, vi} from "vitest";
import {cellsFromHash, hashForCells} from "../../../src/components/scratchpad/codec.js";
import {createCellLink, HASH_DELAY_MS} from "../../../src/components/scratchpad/link.js";

function fakeWindow(address: string) {
  const events = new EventTarget();
  const url = new URL(address);
  const win = {
    location: url,
    history: {
      state: null,
      replaceState: (_state: unknown, _title: string, next: string) => {
        const to = new URL(next, url);
        url.pathname = to.pathname;
        url.search = to.search;
        url.hash = to.hash;
      }
    },
    addEventListener: events.addEventListener.bind(events),
    removeEventListener: events.removeEventListener.bind(events),
    /** Follows a link that differs only in its hash, as a browser does: a hashchange event. */
    go(hash: string) {
      url.hash = hash;
      events.dispatchEvent(new Event("hashchange"));
    }
  };
  return win;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("Scratchpad link", () => {
  it("writes the cells into the hash, keeping the path and query, and a scheduled write waits for quiet", async () => {
    const win = fakeWindow("https://example.org/site/scratchpad?x=1");
    let sources = ["1 + 1", "wht(x)"];
    const onWriteError = vi.fn();
    const options = {sources: () => sources, onWriteError, onOtherCells: vi.fn(), onReadError: vi.fn()};
    const link = createCellLink(win as unknown as Window, options);
    await link.write();
    expect(win.location.pathname + win.location.search).toBe("/site/scratchpad?x=1");
    expect(win.location.hash).toBe(await hashForCells(sources));
    expect(await cellsFromHash(win.location.hash)).toEqual(sources);

    vi.useFakeTimers();
    try {
      sources = ["changed"];
      link.schedule();
      vi.advanceTimersByTime(HASH_DELAY_MS - 1);
      link.schedule(); // a later change pushes the write back
      vi.advanceTimersByTime(HASH_DELAY_MS - 1);
    } finally {
      vi.useRealTimers();
    }
    await settle();
    expect(await cellsFromHash(win.location.hash)).toEqual(["1 + 1", "wht(x)"]);
    await link.write();
    expect(await cellsFromHash(win.location.hash)).toEqual(["changed"]);
    expect(onWriteError).not.toHaveBeenCalled();
    link.destroy();
  });

  it("loads other cells when the hash changes to them, and says when a changed hash cannot be read", async () => {
    const win = fakeWindow("https://example.org/scratchpad");
    const other = vi.fn(async () => undefined);
    const onReadError = vi.fn();
    const options = {sources: () => ["a"], onWriteError: vi.fn(), onOtherCells: other, onReadError};
    const link = createCellLink(win as unknown as Window, options);
    win.go(await hashForCells(["b", "c"]));
    await settle();
    expect(other).toHaveBeenCalledWith(["b", "c"]);
    win.go(await hashForCells(["a"])); // the cells already shown: nothing to load
    await settle();
    expect(other).toHaveBeenCalledTimes(1);
    win.go("#cells=z.!!!");
    await settle();
    expect(onReadError).toHaveBeenCalledTimes(1);
    expect(onReadError.mock.calls[0][0]).toMatch(/\S/);
    link.destroy();
    win.go(await hashForCells(["d"]));
    await settle();
    expect(other).toHaveBeenCalledTimes(1); // no longer listening
  });
});
