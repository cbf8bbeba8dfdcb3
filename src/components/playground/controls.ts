/**
 * The playground's controls as plain DOM: data, training and per-model settings. Each control
 * reads its value from the state when built and, when changed, hands a NEW state to `onState`
 * (the app validates it, writes the URL and restarts training). Every control carries a
 * `data-control` name so tests and focus restoring can find it.
 */
import {GROUP_SIZES, MODEL_KINDS, PROJECTION_KINDS} from "../../lib/types.js";
import {button, el} from "../dom.js";
import {
  cloneState,
  DATASETS,
  datasetFamily,
  defaultModel,
  defaultNoise,
  LIMITS,
  LOSSES,
  MAX_WIDTH,
  MODEL_LABELS,
  OPTIMIZERS,
  usesWht,
  type ModelSettings,
  type PlaygroundState
} from "./state.js";
import {formatCount} from "../format.js";

/** What a change touches: data, models and training restart the session; view only redraws. */
export type ChangeScope = "data" | "models" | "training" | "view";

export interface ControlHandlers {
  onState(next: PlaygroundState, scope: ChangeScope): void;
  onCsvFile(file: File): void;
  onImageFile(file: File): void;
  /** Whether the reader's file for a dataset of this family has been read already. */
  hasFile(family: "csv" | "upload"): boolean;
  /** Memory a model with these settings would need, as text ("12.5 MiB"), or null when unknown. */
  memory?(settings: ModelSettings): string | null;
}

type Option = {value: string; label: string};

function field(label: string, control: HTMLElement, hint?: string): HTMLLabelElement {
  const caption = el("span", {class: "pg-label", text: label});
  return el("label", {class: "pg-field", title: hint || undefined}, caption, control);
}

export function select(
  name: string,
  options: Option[],
  value: string,
  onChange: (value: string) => void
): HTMLSelectElement {
  const menu = document.createElement("select");
  menu.dataset.control = name;
  for (const o of options) {
    const option = document.createElement("option");
    option.value = o.value;
    option.textContent = o.label;
    menu.append(option);
  }
  menu.value = value;
  menu.addEventListener("change", () => onChange(menu.value));
  return menu;
}

export function numberInput(
  name: string,
  value: number,
  range: readonly [number, number],
  step: number | "any",
  onChange: (value: number, raw: string) => void
): HTMLInputElement {
  const input = document.createElement("input");
  input.type = "number";
  input.dataset.control = name;
  input.min = String(range[0]);
  input.max = String(range[1]);
  input.step = String(step);
  input.value = String(value);
  input.inputMode = "decimal";
  input.addEventListener("change", () => onChange(Number(input.value), input.value));
  return input;
}

/** Powers of two up to max; each label says the memory a model of that width would need, when known. */
const powersOfTwo = (max: number, memory?: (width: number) => string | null): Option[] => {
  const out: Option[] = [];
  for (let w = 1; w <= max; w *= 2) {
    const bytes = memory?.(w);
    out.push({value: String(w), label: formatCount(w) + (bytes ? ` · ${bytes}` : "")});
  }
  return out;
};

/** Dataset choice, noise, sample count, seed, and the two file inputs. */
export function dataControls(state: PlaygroundState, handlers: ControlHandlers): HTMLElement {
  const box = document.createElement("fieldset");
  box.className = "pg-group";
  box.innerHTML = "<legend>Data</legend>";
  const change = (edit: (s: PlaygroundState) => void) => {
    const next = cloneState(state);
    edit(next);
    handlers.onState(next, "data");
  };
  const family = datasetFamily(state.dataset);
  const csv = fileInput("csv-file", ".csv,.tsv,.txt,text/csv,text/plain", handlers.onCsvFile);
  const image = fileInput("image-file", "image/*", handlers.onImageFile);
  const dataset = select(
    "dataset",
    DATASETS.map((d) => ({value: d.name, label: d.label})),
    state.dataset,
    (v) => {
      const f = datasetFamily(v);
      if ((f === "csv" || f === "upload") && !handlers.hasFile(f)) {
        // Nothing to train on yet: ask for the file; choosing it switches the dataset.
        dataset.value = state.dataset;
        (f === "csv" ? csv : image).click();
        return;
      }
      change((s) => {
        s.dataset = v;
        s.noise = defaultNoise(v);
        if (f === "1d" || f === "nd" || f === "image" || f === "upload") s.loss = "mse";
        else if (f === "2d") s.loss = "softmax-cross-entropy";
      });
    }
  );
  box.append(field("Dataset", dataset));
  if (family === "2d" || family === "1d" || family === "nd") {
    box.append(
      field(
        "Noise",
        numberInput("noise", state.noise, LIMITS.noise, 0.01, (v) =>
          change((s) => {
            s.noise = v;
          })
        ),
        "standard deviation of the Gaussian noise"
      ),
      field(
        "Samples",
        numberInput("samples", state.samples, LIMITS.samples, 1, (v) =>
          change((s) => {
            s.samples = v;
          })
        ),
        "train plus test (20 % test)"
      )
    );
  }
  box.append(
    field(
      "Seed",
      numberInput("seed", state.seed, LIMITS.seed, 1, (v) =>
        change((s) => {
          s.seed = v;
        })
      ),
      "seeds the data, the initial weights and the batches"
    )
  );
  box.append(
    fileButton(
      "Your CSV",
      "Choose a CSV…",
      csv,
      "numeric columns; the last column is the target (text labels make classes)"
    )
  );
  box.append(fileButton("Your picture", "Choose a picture…", image, "scaled down to at most 40 pixels a side"));
  return box;
}

/**
 * A file input shown as a whole-word button ("Choose a CSV…") instead of the browser's own
 * control, whose "No file chosen" gets cut short in a narrow panel. The input stays in the label
 * (visually hidden, still focusable and still what tests and screen readers use).
 */
function fileButton(label: string, text: string, input: HTMLInputElement, hint: string): HTMLElement {
  return el(
    "div",
    {class: "pg-field"},
    el("span", {class: "pg-label", text: label}),
    el("label", {class: "pg-button pg-file", title: hint}, text, input)
  );
}

function fileInput(name: string, accept: string, onFile: (file: File) => void): HTMLInputElement {
  const input = document.createElement("input");
  input.type = "file";
  input.accept = accept;
  input.dataset.control = name;
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    if (file) onFile(file);
    input.value = "";
  });
  return input;
}

/** Optimiser, learning rate, batch size, loss. */
export function trainingControls(
  state: PlaygroundState,
  handlers: ControlHandlers,
  task: "classification" | "regression"
): HTMLElement {
  const box = document.createElement("fieldset");
  box.className = "pg-group";
  box.innerHTML = "<legend>Training</legend>";
  const change = (edit: (s: PlaygroundState) => void) => {
    const next = cloneState(state);
    edit(next);
    handlers.onState(next, "training");
  };
  const losses = LOSSES.filter((l) => task === "classification" || l === "mse");
  box.append(
    field(
      "Optimiser",
      select(
        "optimizer",
        OPTIMIZERS.map((o) => ({value: o, label: o === "adam" ? "Adam" : "SGD (momentum 0.9)"})),
        state.optimizer,
        (v) =>
          change((s) => {
            s.optimizer = v as PlaygroundState["optimizer"];
          })
      )
    ),
    field(
      "Learning rate",
      numberInput("lr", state.learningRate, LIMITS.learningRate, "any", (v, raw) =>
        change((s) => {
          s.learningRate = raw.trim() === "" ? NaN : v;
        })
      )
    ),
    field(
      "Batch size",
      numberInput("batch", state.batchSize, LIMITS.batchSize, 1, (v) =>
        change((s) => {
          s.batchSize = v;
        })
      )
    ),
    field(
      "Loss",
      select(
        "loss",
        losses.map((l) => ({value: l, label: l === "mse" ? "squared error" : "softmax cross-entropy"})),
        state.loss,
        (v) =>
          change((s) => {
            s.loss = v as PlaygroundState["loss"];
          })
      )
    )
  );
  return box;
}

/** One model's settings: kind, width, depth, group size, projection and its rounds, and a remove button. */
export function modelControls(state: PlaygroundState, index: number, handlers: ControlHandlers): HTMLElement {
  const m = state.models[index];
  const row = document.createElement("div");
  row.className = "pg-model-controls";
  const change = (edit: (m: ModelSettings, s: PlaygroundState) => void) => {
    const next = cloneState(state);
    edit(next.models[index], next);
    handlers.onState(next, "models");
  };
  const prefix = `model-${index + 1}`;
  row.append(
    field(
      "Model",
      select(
        `${prefix}-kind`,
        MODEL_KINDS.map((k) => ({value: k, label: MODEL_LABELS[k]})),
        m.kind,
        (v) =>
          change((_, s) => {
            const kind = v as ModelSettings["kind"];
            const fresh = defaultModel(kind);
            // Keep what carries over: depth always, width when it is valid for the new kind.
            fresh.depth = m.depth;
            if (!usesWht(kind) || (m.width & (m.width - 1)) === 0) fresh.width = m.width;
            s.models[index] = fresh;
          })
      )
    )
  );
  if (usesWht(m.kind)) {
    const memoryAt = handlers.memory
      ? (width: number) => handlers.memory!({...m, width, groupSize: Math.min(m.groupSize, width)})
      : undefined;
    row.append(
      field(
        "Width",
        select(`${prefix}-width`, powersOfTwo(MAX_WIDTH[m.kind], memoryAt), String(m.width), (v) =>
          change((mm) => {
            mm.width = Number(v);
            if (mm.groupSize > mm.width) mm.groupSize = Math.max(...GROUP_SIZES.filter((g) => g <= mm.width));
          })
        )
      )
    );
  } else {
    row.append(
      field(
        "Width",
        numberInput(`${prefix}-width`, m.width, [LIMITS.width[0], MAX_WIDTH[m.kind]], 1, (v) =>
          change((mm) => {
            mm.width = v;
          })
        )
      )
    );
  }
  row.append(
    field(
      "Depth",
      select(
        `${prefix}-depth`,
        Array.from({length: LIMITS.depth[1]}, (_, i) => ({value: String(i + 1), label: String(i + 1)})),
        String(m.depth),
        (v) =>
          change((mm) => {
            mm.depth = Number(v);
          })
      )
    )
  );
  if (m.kind === "switchnet4") {
    row.append(
      field(
        "Group",
        select(
          `${prefix}-group`,
          GROUP_SIZES.filter((g) => g <= m.width).map((g) => ({value: String(g), label: String(g)})),
          String(m.groupSize),
          (v) =>
            change((mm) => {
              mm.groupSize = Number(v);
            })
        ),
        "mini-layer size m"
      )
    );
  }
  if (usesWht(m.kind)) {
    row.append(
      field(
        "Flips",
        select(
          `${prefix}-projection`,
          PROJECTION_KINDS.map((p) => ({value: p, label: p})),
          m.projection,
          (v) =>
            change((mm) => {
              mm.projection = v as ModelSettings["projection"];
            })
        ),
        "sign-flip pattern of the input projection"
      )
    );
    row.append(
      field(
        "Rounds",
        select(
          `${prefix}-rounds`,
          [1, 2, 3].map((r) => ({value: String(r), label: String(r)})),
          String(m.projectionRounds ?? 1),
          (v) =>
            change((mm) => {
              mm.projectionRounds = Number(v);
            })
        ),
        "input projection rounds: one gives a 2-D point only 4 distinct features; two give almost one per unit"
      )
    );
  }
  if (state.models.length > 1) {
    row.append(
      button(
        "Remove",
        () =>
          change((_, s) => {
            s.models.splice(index, 1);
          }),
        {class: "pg-remove", "data-control": `${prefix}-remove`, title: `remove ${MODEL_LABELS[m.kind]}`}
      )
    );
  }
  return row;
}

/** Focus survives a rebuild: remember the focused control's name, then focus its replacement. */
export function rememberFocus(root: HTMLElement): () => void {
  const active = document.activeElement as HTMLElement | null;
  const name = active && root.contains(active) ? active.dataset.control : undefined;
  return () => {
    if (!name) return;
    const next = root.querySelector<HTMLElement>(`[data-control="${name}"]`);
    next?.focus();
  };
}
