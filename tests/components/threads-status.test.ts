// The threads status line: the check runs the library's real worker pool (in Node it shares memory),
// catches a pool whose threads compute wrong numbers, and the report says why when there is one thread.
import {describe, expect, it} from "vitest";
import {createPool, type WhtPool} from "../../lib/parallel.js";
import {
  CHECK_SIZE,
  checkThreads,
  isolationReason,
  threadsReport,
  type IsolationStatus,
  type ThreadCheck
} from "../../src/components/threads-status.js";

describe("checkThreads", () => {
  it("runs a batch on two threads of the real pool and finds it equal to one thread", async () => {
    const check = await checkThreads(createPool, 2);
    expect(check).toEqual({threads: 2, wanted: 2, fallbackReason: null, identical: true});
  });

  it("one thread asked for: one thread, no reason needed", async () => {
    const check = await checkThreads(createPool, 1);
    expect(check).toEqual({threads: 1, wanted: 1, fallbackReason: null, identical: true});
  });

  it("catches a pool whose second thread leaves its share untouched, and closes the pool", async () => {
    let closed = false;
    const faulty = async (): Promise<WhtPool> => {
      const real = await createPool({threads: 1});
      return {
        ...real,
        threads: 2,
        async whtBatch(x, options) {
          // Transforms only the first half, as a thread that does not share memory would.
          await real.whtBatch(x.subarray(0, x.length / 2), options);
          return x;
        },
        async close() {
          closed = true;
          await real.close();
        }
      };
    };
    const check = await checkThreads(faulty, 2);
    expect(check.identical).toBe(false);
    expect(closed).toBe(true);
    expect(threadsReport(check, true).kind).toBe("error");
    expect(threadsReport(check, true).text).toContain("gave different numbers from one thread");
    expect(CHECK_SIZE).toBe(1024);
  });
});

describe("threadsReport", () => {
  const ok: ThreadCheck = {threads: 2, wanted: 2, fallbackReason: null, identical: true};
  const single: ThreadCheck = {
    threads: 1,
    wanted: 2,
    fallbackReason: "the page is not cross-origin isolated, so memory cannot be shared",
    identical: true
  };
  const viaWorker: IsolationStatus = {state: "isolated", reason: null, serviceWorker: "controlling"};
  const blocked: IsolationStatus = {
    state: "unavailable",
    reason: "the browser blocked the service worker that adds the isolation headers",
    serviceWorker: "none"
  };

  it("names the threads and how the page was isolated", () => {
    expect(threadsReport(ok, true, viaWorker)).toEqual({
      threads: 2,
      kind: "threads",
      text: "**2 threads** share memory in this page. It is cross-origin isolated (by the site's service worker, which adds the isolation headers this host does not send); a batch of transforms split across 2 threads by the library's worker pool matched one thread bit for bit."
    });
    expect(threadsReport(ok, true, {state: "isolated", reason: null, serviceWorker: "none"}).text).toContain(
      "(by the headers the server sends)"
    );
  });

  it("on one thread, says why: the isolation script's reason, and what to do", () => {
    const report = threadsReport(single, false, blocked);
    expect(report.threads).toBe(1);
    expect(report.kind).toBe("single");
    expect(report.text).toBe(
      "**1 thread**: the library runs on one thread here (the same results, only slower), because the page is not cross-origin isolated: the browser blocked the service worker that adds the isolation headers. To get threads, allow service workers for this site and reload, or publish the site on a host that sends the headers in `_headers`."
    );
  });

  it("without the isolation script, or on one core, or isolated but without workers", () => {
    expect(threadsReport(single, false, undefined).text).toContain(
      "because the page is not cross-origin isolated, and the site's isolation script did not run."
    );
    expect(threadsReport({...single, wanted: 1}, false, blocked).text).toContain(
      "because this device reports a single core."
    );
    expect(threadsReport({...single, wanted: 1}, false, blocked).text).not.toContain("To get threads");
    expect(
      threadsReport({...single, fallbackReason: "the WebAssembly SIMD kernels are not in use"}, true, viaWorker).text
    ).toContain("because the WebAssembly SIMD kernels are not in use.");
    expect(isolationReason({state: "unavailable", reason: null, serviceWorker: "none"})).toBe(
      "the page is not cross-origin isolated"
    );
  });
});
