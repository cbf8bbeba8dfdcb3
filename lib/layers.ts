/** The learned layer of each WHT kind (the dense baseline builds its own model in lib/dense.ts). */
import {fail} from "./check.js";
import type {ResolvedModelSpec, WidthLayer} from "./types.js";
import {butterflyLayer} from "./butterfly.js";
import {filterBankLayer} from "./filterbank.js";
import {switchNetLayer} from "./switchnet.js";

/** The learned layer of a WHT kind. */
export function widthLayer(spec: ResolvedModelSpec): WidthLayer {
  switch (spec.kind) {
    case "switchnet4":
      return switchNetLayer(spec.width, spec.groupSize);
    case "butterfly":
      return butterflyLayer(spec.width);
    case "filterbank":
      return filterBankLayer(spec.width);
    default:
      return fail(`kind ${JSON.stringify(spec.kind)} has no width layer`);
  }
}
