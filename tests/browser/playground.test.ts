/**
 * Browser tests of the "Learned functions" playground: it loads cleanly, training in the
 * worker lowers the loss, URL state reproduces the controls, and a bad CSV, a bad weights file
 * or a URL with out-of-range values each show a clear message while the page keeps working.
 */
import {readFileSync} from "node:fs";
import {deflateSync} from "node:zlib";
import {describe, expect, it} from "vitest";
import type {Page} from "playwright-core";
import {modelCounts} from "../../lib/counts.js";
import {DESKTOP, PHONE, figureSignature, useSite} from "./harness.js";

const site = useSite();

/** A minimal RGB PNG (8-bit, no filter), so the upload test needs no image files. */
function png(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): Buffer {
  const crcTable = Array.from({length: 256}, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const raw = Buffer.alloc(height * (1 + 3 * width));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) raw.set(rgb(x, y), y * (1 + 3 * width) + 1 + 3 * x);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0))
  ]);
}

/** The first model card's training loss, as the page publishes it (data-train-loss). */
async function trainLoss(page: Page, model = 0): Promise<number> {
  const value = await page.locator(`.pg-card[data-model="${model}"]`).getAttribute("data-train-loss");
  return value === null ? NaN : Number(value);
}

/** Waits until the toolbar reports at least `step` steps. */
async function waitForStep(page: Page, step: number, timeout = 60_000): Promise<number> {
  await page.waitForFunction(
    (s) => Number(document.querySelector(".pg-toolbar")?.getAttribute("data-step") ?? -1) >= s,
    step,
    {timeout}
  );
  return Number(await page.locator(".pg-toolbar").getAttribute("data-step"));
}

async function controlValue(page: Page, name: string): Promise<string> {
  return page.locator(`[data-control="${name}"]`).inputValue();
}

describe("Learned functions playground", () => {
  it("loads cleanly; Play lowers the training loss and Pause stops; screenshots at 1280 and 390", async () => {
    for (const [label, viewport, colorScheme] of [
      ["desktop", DESKTOP, "light"],
      ["phone-dark", PHONE, "dark"]
    ] as const) {
      const view = await site.open("/playground", {viewport, colorScheme, waitFor: ".pg-card canvas"});
      try {
        const {page} = view;
        await waitForStep(page, 0);
        // The test server sends no isolation headers (and the service worker is blocked): one
        // thread, and the line under the toolbar says why. (publish.test.ts: threads where isolated.)
        expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
        const threads = page.locator(".pg-threads[data-threads]");
        await threads.waitFor();
        expect(await threads.getAttribute("data-threads")).toBe("1");
        expect(await threads.textContent()).toBe(
          "Training on 1 thread: the page is not cross-origin isolated, so memory cannot be shared between threads. " +
            "Any thread count trains to the same bits: a shared URL gives these numbers on any machine with the same kernels."
        );
        // The default pair has a dense model, and Chromium has relaxed SIMD: its products use fused
        // multiply-add, which the data panel names (those bits differ from the plain kernels').
        await expect.poll(() => page.getByText(/kernels: /).textContent()).toMatch(/kernels: wasm-simd\+fma$/);
        const before = await trainLoss(page);
        expect(before).toBeGreaterThan(0.3); // two balanced classes, untrained: near ln 2
        await page.locator('[data-action="play"]').click();
        // Bounded: within 600 steps the default Switch Net 4 must have at least halved its loss.
        await page.waitForFunction(
          (start) => {
            const card = document.querySelector('.pg-card[data-model="0"]');
            const step = Number(document.querySelector(".pg-toolbar")?.getAttribute("data-step"));
            return (step >= 50 && Number(card?.getAttribute("data-train-loss")) < start / 2) || step > 600;
          },
          before,
          {timeout: 90_000}
        );
        await page.locator('[data-action="play"]').click(); // pause
        expect(await page.locator('[data-action="play"]').getAttribute("aria-pressed")).toBe("false");
        // The worker confirms with a last report that says it is no longer running.
        await page.waitForFunction(
          () => document.querySelector(".pg-toolbar")?.getAttribute("data-running") === "false"
        );
        const after = await trainLoss(page);
        expect(after).toBeLessThan(before / 2);
        // Paused: the step count stays put.
        const paused = Number(await page.locator(".pg-toolbar").getAttribute("data-step"));
        await page.waitForTimeout(500);
        expect(Number(await page.locator(".pg-toolbar").getAttribute("data-step"))).toBe(paused);
        // Each model card drew its learned function (the canvas is not blank).
        const distinctColours = await page.locator('.pg-card[data-model="0"] canvas').evaluate((c) => {
          const canvas = c as HTMLCanvasElement;
          const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
          const seen = new Set<number>();
          for (let i = 0; i < data.length; i += 4 * 97) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
          return seen.size;
        });
        expect(distinctColours).toBeGreaterThan(20);
        await view.screenshot(`playground-${label}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `sideways scroll at ${label}`).toBeLessThanOrEqual(1);
        view.expectClean();
      } finally {
        await view.close();
      }
    }
  });

  it("Step runs exactly ten steps (or the count chosen) and lowers the loss; Reset goes back to step 0", async () => {
    const view = await site.open("/playground?data=circle&models=switchnet4:16:2:4:subrandom", {
      waitFor: ".pg-card canvas"
    });
    try {
      const {page} = view;
      await waitForStep(page, 0);
      const before = await trainLoss(page);
      for (let i = 1; i <= 5; i++) {
        await page.locator('[data-action="step"]').click();
        expect(await waitForStep(page, 10 * i)).toBe(10 * i);
      }
      expect(await trainLoss(page)).toBeLessThan(before);
      // The step count is selectable: × 1 runs one step.
      await page.locator('[data-control="step-count"]').selectOption("1");
      await page.locator('[data-action="step"]').click();
      expect(await waitForStep(page, 51)).toBe(51);
      await page.locator('[data-action="reset"]').click();
      await page.waitForFunction(() => document.querySelector(".pg-toolbar")?.getAttribute("data-step") === "0");
      expect(await trainLoss(page)).toBeCloseTo(before, 5); // same seed, same starting point
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("a URL with state reproduces the same controls, and the address bar keeps it", async () => {
    const query =
      "data=xor&noise=0.2&n=300&seed=7&bias=1&test=1&opt=sgd&lr=0.05&batch=16&loss=mse&models=switchnet4:64:4:8:random,dense:24:3:4:subrandom";
    const view = await site.open(`/playground?${query}`, {waitFor: ".pg-card canvas"});
    try {
      const {page} = view;
      expect(await controlValue(page, "dataset")).toBe("xor");
      expect(await controlValue(page, "noise")).toBe("0.2");
      expect(await controlValue(page, "samples")).toBe("300");
      expect(await controlValue(page, "seed")).toBe("7");
      expect(await controlValue(page, "optimizer")).toBe("sgd");
      expect(await controlValue(page, "lr")).toBe("0.05");
      expect(await controlValue(page, "batch")).toBe("16");
      expect(await controlValue(page, "loss")).toBe("mse");
      expect(await controlValue(page, "model-1-kind")).toBe("switchnet4");
      expect(await controlValue(page, "model-1-width")).toBe("64");
      expect(await controlValue(page, "model-1-depth")).toBe("4");
      expect(await controlValue(page, "model-1-group")).toBe("8");
      expect(await controlValue(page, "model-1-projection")).toBe("random");
      expect(await controlValue(page, "model-2-kind")).toBe("dense");
      expect(await controlValue(page, "model-2-width")).toBe("24");
      expect(await controlValue(page, "model-2-depth")).toBe("3");
      expect(await page.locator('[data-control="show-test"]').isChecked()).toBe(true);
      expect(new URL(page.url()).search).toBe(`?${query}`);
      expect(await page.locator(".pg-message").count()).toBe(0);
      // A view setting redraws without resetting: hiding the test points changes the picture, not the step.
      await page.locator('[data-action="step"]').click();
      await waitForStep(page, 10);
      const canvas = page.locator('.pg-card[data-model="0"] canvas');
      const withTest = await figureSignature(canvas);
      await page.locator('[data-control="show-test"]').uncheck();
      await page.waitForFunction(() => location.search.includes("test=0"));
      expect(await figureSignature(canvas)).not.toBe(withTest);
      expect(await page.locator(".pg-toolbar").getAttribute("data-step")).toBe("10");
      // Changing a control writes the URL.
      await page.locator('[data-control="model-1-width"]').selectOption("128");
      await page.waitForFunction(() => location.search.includes("switchnet4:128:4:8:random"));
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("a URL with out-of-range and malformed values names each one, falls back, and keeps working", async () => {
    const view = await site.open("/playground?data=spiral&lr=50&batch=abc&models=switchnet4:100:12,dense:16", {
      waitFor: ".pg-card canvas"
    });
    try {
      const {page} = view;
      const text = await page.locator(".pg-messages").innerText();
      expect(text).toContain(
        "learning rate must be between 0.00001 and 10, got 50; using the default 0.02".replace("0.00001", String(1e-5))
      );
      expect(text).toContain('batch size must be a number between 1 and 1024, got "abc"; using the default 32');
      expect(text).toContain(
        "model 1 width must be a power of two between 1 and 65536 for Switch Net 4, got 100 (nearest: 128); using 128"
      );
      expect(text).toContain("model 1 depth must be between 1 and 8, got 12; using 3");
      expect(await controlValue(page, "lr")).toBe("0.02");
      expect(await controlValue(page, "model-1-width")).toBe("128");
      // Still working: a step trains.
      await waitForStep(page, 0);
      await page.locator('[data-action="step"]').click();
      expect(await waitForStep(page, 10)).toBe(10);
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("a malformed CSV shows the line and value, changes nothing, and a good CSV then trains", async () => {
    const view = await site.open("/playground", {waitFor: ".pg-card canvas"});
    try {
      const {page} = view;
      await waitForStep(page, 0);
      await page.locator('[data-control="csv-file"]').setInputFiles({
        name: "bad.csv",
        mimeType: "text/csv",
        buffer: Buffer.from("x,y,label\n0.1,0.2,a\n0.3,oops,b\n0.5,0.6,a\n")
      });
      const message = page.locator(".pg-message", {hasText: "bad.csv"});
      await message.waitFor();
      const text = await message.innerText();
      expect(text).toContain("line 3");
      expect(text).toContain('"oops"');
      expect(await controlValue(page, "dataset")).toBe("spiral"); // nothing changed
      // The page keeps working: a good CSV becomes the dataset and trains.
      const rows = ["x,y,label"];
      for (let i = 0; i < 60; i++)
        rows.push(`${(i % 10) / 10},${Math.floor(i / 10) / 6},${i % 10 < 5 ? "left" : "right"}`);
      // Picking "Your own CSV…" from the menu asks for the file (and changes nothing until one is chosen).
      const [chooser] = await Promise.all([
        page.waitForEvent("filechooser"),
        page.locator('[data-control="dataset"]').selectOption("csv")
      ]);
      expect(await controlValue(page, "dataset")).toBe("spiral");
      await chooser.setFiles({name: "good.csv", mimeType: "text/csv", buffer: Buffer.from(rows.join("\n"))});
      await page.waitForFunction(
        () => (document.querySelector('[data-control="dataset"]') as HTMLSelectElement | null)?.value === "csv"
      );
      await page.locator(".pg-data", {hasText: "good.csv: classification, 2 inputs → 2 outputs"}).waitFor();
      await page.waitForSelector('.pg-card[data-model="0"][data-train-loss] canvas');
      await page.locator('[data-action="step"]').click();
      expect(await waitForStep(page, 10)).toBe(10);
      expect(Number.isFinite(await trainLoss(page))).toBe(true);
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("weights download as JSON and load back into the model; a file for another model is refused", async () => {
    const view = await site.open("/playground?data=circle&seed=3&models=switchnet4:16:2:4:subrandom,dense:8:1", {
      waitFor: ".pg-card canvas"
    });
    try {
      const {page} = view;
      await waitForStep(page, 0);
      const initial = [await trainLoss(page, 0), await trainLoss(page, 1)];
      for (let i = 1; i <= 3; i++) {
        await page.locator('[data-action="step"]').click();
        await waitForStep(page, 10 * i);
      }
      const trained = await trainLoss(page, 0);
      expect(trained).toBeLessThan(initial[0]);
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.locator('[data-action="download-0"]').click()
      ]);
      expect(download.suggestedFilename()).toBe("switchnet4-circle-step30.json");
      const text = readFileSync((await download.path())!, "utf8");
      const file = JSON.parse(text);
      expect(file).toMatchObject({
        format: "switchnet4-weights",
        version: 1,
        parameterCount: 256,
        step: 30,
        spec: {kind: "switchnet4", width: 16, inputSize: 3}
      });
      expect(file.params).toHaveLength(256);

      // Reset, then load: model 1 is back where it was trained to; model 2 stays at its start.
      await page.locator('[data-action="reset"]').click();
      await page.waitForFunction(() => document.querySelector(".pg-toolbar")?.getAttribute("data-step") === "0");
      await page
        .locator('[data-control="model-1-weights"]')
        .setInputFiles({name: "w.json", mimeType: "application/json", buffer: Buffer.from(text)});
      await page.waitForFunction(
        (t) => Number(document.querySelector('.pg-card[data-model="0"]')?.getAttribute("data-train-loss")) === t,
        trained
      );
      expect(await trainLoss(page, 1)).toBe(initial[1]);

      // The same file edited to claim another width: refused, named, nothing changed.
      const wrong = JSON.stringify({...file, spec: {...file.spec, width: 32}});
      await page
        .locator('[data-control="model-1-weights"]')
        .setInputFiles({name: "wrong.json", mimeType: "application/json", buffer: Buffer.from(wrong)});
      const message = page.locator(".pg-message", {hasText: "Load weights into model 1"});
      await message.waitFor();
      expect(await message.innerText()).toContain(
        "the weights were saved from a different model: width 32 (this model: 16)"
      );
      expect(await trainLoss(page, 0)).toBe(trained);
      // A file with too few numbers.
      const short = JSON.stringify({...file, parameterCount: undefined, params: file.params.slice(0, 100)});
      await page
        .locator('[data-control="model-1-weights"]')
        .setInputFiles({name: "short.json", mimeType: "application/json", buffer: Buffer.from(short)});
      await page.locator(".pg-message", {hasText: "params must have 256 numbers"}).waitFor();
      await page.locator('[data-action="step"]').click();
      expect(await waitForStep(page, 10)).toBe(10);
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("Match parameters sets the dense width whose parameter count is nearest the Switch Net 4's", async () => {
    const view = await site.open("/playground?data=spiral&bias=1&models=switchnet4:64:3:4:subrandom,dense:16:2", {
      waitFor: ".pg-card canvas"
    });
    try {
      const {page} = view;
      await waitForStep(page, 0);
      await page.locator('[data-action="match"]').click();
      // Independently: Switch Net 4 on 3 inputs (2 + the constant) → 2 outputs, and the dense width nearest it.
      const target = modelCounts({kind: "switchnet4", inputSize: 3, outputSize: 2, width: 64, depth: 3}).parameterCount;
      let best = 1;
      const dense = (w: number) =>
        modelCounts({kind: "dense", inputSize: 3, outputSize: 2, width: w, depth: 2}).parameterCount;
      for (let w = 1; w <= 200; w++) if (Math.abs(dense(w) - target) < Math.abs(dense(best) - target)) best = w;
      await page.waitForFunction((w) => location.search.includes(`dense:${w}:`), best);
      expect(await controlValue(page, "model-2-width")).toBe(String(best));
      expect(await page.locator(".pg-message").last().innerText()).toContain(
        `Matched to Switch Net 4's ${target.toLocaleString("en-US")} stored parameters`
      );
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("the reader's own picture is scaled down and fitted; a file that is not a picture is refused", async () => {
    const view = await site.open("/playground?models=switchnet4:64:3:4:subrandom", {waitFor: ".pg-card canvas"});
    try {
      const {page} = view;
      await waitForStep(page, 0);
      await page
        .locator('[data-control="image-file"]')
        .setInputFiles({name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello")});
      await page.locator(".pg-message", {hasText: "notes.txt"}).waitFor();
      expect(await page.locator(".pg-message", {hasText: "notes.txt"}).innerText()).toContain("is not an image");
      expect(await controlValue(page, "dataset")).toBe("spiral");
      // 80×40: left half red, right half blue; it is scaled to 40×20 (the longer side to 40).
      const picture = png(80, 40, (x) => (x < 40 ? [220, 30, 30] : [30, 30, 220]));
      await page
        .locator('[data-control="image-file"]')
        .setInputFiles({name: "halves.png", mimeType: "image/png", buffer: picture});
      await page.waitForFunction(
        () => (document.querySelector('[data-control="dataset"]') as HTMLSelectElement | null)?.value === "upload"
      );
      await page.locator(".pg-data", {hasText: "800 train"}).waitFor();
      expect(await page.locator(".pg-data").innerText()).toContain("halves.png: regression, 2 inputs → 3 outputs");
      expect(new URL(page.url()).searchParams.get("data")).toBe("upload");
      await page.waitForSelector('.pg-card[data-model="0"][data-train-loss]');
      const before = await trainLoss(page);
      expect(before).toBeGreaterThan(0);
      for (let i = 1; i <= 3; i++) {
        await page.locator('[data-action="step"]').click();
        await waitForStep(page, 10 * i);
      }
      expect(await trainLoss(page)).toBeLessThan(before);
      await view.screenshot("playground-upload");
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("a shared URL naming the reader's own file explains that the file must be chosen again", async () => {
    const view = await site.open("/playground?data=csv", {waitFor: ".pg-card canvas"});
    try {
      const {page} = view;
      expect(await page.locator(".pg-messages").innerText()).toContain(
        'dataset "csv" is the reader\'s own file, which the URL cannot hold'
      );
      expect(await controlValue(page, "dataset")).toBe("spiral");
      view.expectClean();
    } finally {
      await view.close();
    }
  });

  it("1-D curves draw the learned curve over the points, and learn", async () => {
    const view = await site.open("/playground?data=sine&loss=mse&models=switchnet4:32:3:4:subrandom", {
      waitFor: ".pg-card canvas"
    });
    try {
      const {page} = view;
      await page.waitForSelector('.pg-card[data-model="0"][data-train-loss]');
      const before = await trainLoss(page);
      for (let i = 1; i <= 5; i++) {
        await page.locator('[data-action="step"]').click();
        await waitForStep(page, 10 * i);
      }
      expect(await trainLoss(page)).toBeLessThan(before);
      // The curve is drawn in the first class colour (orange), the points in the second (blue).
      const [orange, blue] = await page.locator('.pg-card[data-model="0"] canvas').evaluate((c) => {
        const canvas = c as HTMLCanvasElement;
        const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
        let o = 0,
          b = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (Math.abs(data[i] - 245) + Math.abs(data[i + 1] - 147) + Math.abs(data[i + 2] - 34) < 30) o++;
          if (Math.abs(data[i] - 8) + Math.abs(data[i + 1] - 119) + Math.abs(data[i + 2] - 189) < 30) b++;
        }
        return [o, b];
      });
      expect(orange).toBeGreaterThan(300);
      expect(blue).toBeGreaterThan(300);
      expect(await page.locator(".pg-data").innerText()).toContain("sine: regression, 1 input → 1 output");
      view.expectClean();
    } finally {
      await view.close();
    }
  });
});
