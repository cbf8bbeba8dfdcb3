/*
 * Cross-origin isolation where the host cannot send headers (GitHub Pages): the coi-serviceworker
 * technique, in the project's own lines. Threads that share memory (SharedArrayBuffer, a shared
 * WebAssembly memory) need the page to be cross-origin isolated, which takes two response headers:
 *   Cross-Origin-Opener-Policy: same-origin
 *   Cross-Origin-Embedder-Policy: require-corp
 * Hosts that read a `_headers` file (Netlify, Cloudflare Pages) send them from public/_headers.
 * Elsewhere this file does it. It is two programs in one:
 *   - in a page (loaded by a classic <script> in every page's <head>), it registers itself as the
 *     site's service worker and reloads the page once, when the worker first takes control;
 *   - as that service worker, it passes every request of the site to the network unchanged and adds
 *     the two headers (and Cross-Origin-Resource-Policy) to each response.
 * It must be served from the site's root folder (it is copied to dist/ by `npm run build`), so that
 * its scope is the whole site, also under a sub-path such as /switchnet4/. It caches nothing.
 *
 * The page side publishes what happened as `window.crossOriginIsolationStatus`:
 *   {state, reason, serviceWorker, ready}
 *   state: "isolated" | "reloading" | "unavailable"; reason: why not isolated (null when isolated);
 *   serviceWorker: "controlling" | "none"; ready: a Promise of the same object once the state is known.
 */
/* eslint-disable no-restricted-globals */
(() => {
  const HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "cross-origin"
  };

  if (typeof window === "undefined") {
    // ---- The service worker. ----
    self.addEventListener("install", () => self.skipWaiting());
    self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
    self.addEventListener("fetch", (event) => {
      const request = event.request;
      // Only the site's own files; anything else goes to the network as if there were no worker.
      if (!request.url.startsWith(self.registration.scope)) return;
      if (request.cache === "only-if-cached" && request.mode !== "same-origin") return;
      event.respondWith(
        fetch(request).then((response) => {
          // Opaque responses (redirects of navigations) cannot be read or rebuilt.
          if (response.status === 0 || response.type === "opaqueredirect") return response;
          const headers = new Headers(response.headers);
          for (const [name, value] of Object.entries(HEADERS)) headers.set(name, value);
          return new Response(response.body, {status: response.status, statusText: response.statusText, headers});
        })
      );
    });
    return;
  }

  // ---- The page. ----
  const RELOADED = "coi-serviceworker-reloaded";
  const script = document.currentScript;
  const controlling = () => (navigator.serviceWorker && navigator.serviceWorker.controller ? "controlling" : "none");
  let settle;
  const status = {state: "pending", reason: null, serviceWorker: controlling(), ready: new Promise((resolve) => (settle = resolve))};
  window.crossOriginIsolationStatus = status;
  const storage = {
    get: () => { try { return sessionStorage.getItem(RELOADED); } catch { return null; } },
    set: () => { try { sessionStorage.setItem(RELOADED, "1"); } catch { /* no storage: no reload guard, no reload */ } },
    clear: () => { try { sessionStorage.removeItem(RELOADED); } catch { /* nothing to clear */ } }
  };
  const finish = (state, reason) => {
    status.state = state;
    status.reason = reason;
    status.serviceWorker = controlling();
    if (state === "unavailable") console.warn(`Not cross-origin isolated, so threads cannot share memory: ${reason}`);
    settle(status);
  };
  const reload = () => {
    // Reload at most once per tab session: if the browser still does not isolate the page after a
    // reload under the worker, reloading again would only loop.
    if (storage.get()) return false;
    storage.set();
    status.state = "reloading";
    window.location.reload();
    return true;
  };

  if (window.crossOriginIsolated) {
    storage.clear();
    return finish("isolated", null);
  }
  if (!window.isSecureContext) {
    return finish("unavailable", "the page is not served over HTTPS (nor from localhost), and browsers allow service workers only there");
  }
  if (!("serviceWorker" in navigator) || !navigator.serviceWorker) {
    return finish("unavailable", "this browser offers no service workers here (a private window, or a setting that turns them off)");
  }
  if (!script || !script.src) {
    return finish("unavailable", "the isolation script could not find its own address");
  }
  const afterReload = storage.get() !== null;
  navigator.serviceWorker.register(script.src).then(
    (registration) => {
      if (!registration) {
        return finish("unavailable", "the browser blocked the service worker that adds the isolation headers");
      }
      if (navigator.serviceWorker.controller) {
        // Controlled but not isolated: this load came before the worker (or from an older one).
        if (reload()) return;
        return finish("unavailable", "the service worker is running, but the browser still did not isolate the page (it may not support Cross-Origin-Embedder-Policy)");
      }
      if (afterReload) {
        return finish("unavailable", "the page was reloaded for the service worker, but the worker did not take control (a hard reload bypasses it: reload normally)");
      }
      if (registration.active && !registration.installing && !registration.waiting) {
        // Installed on an earlier visit, but this load bypassed it (a hard reload): reload normally.
        if (reload()) return;
      }
      status.state = "reloading";
      navigator.serviceWorker.addEventListener("controllerchange", () => {
        if (!reload()) finish("unavailable", "the service worker took control, but the page could not be reloaded under it");
      });
      const installing = registration.installing || registration.waiting;
      if (installing) {
        installing.addEventListener("statechange", () => {
          if (installing.state === "redundant") finish("unavailable", "the service worker that adds the isolation headers failed to install");
        });
      }
    },
    (error) => finish("unavailable", `the service worker that adds the isolation headers could not be registered (${error && error.message ? error.message : error})`)
  );
})();
