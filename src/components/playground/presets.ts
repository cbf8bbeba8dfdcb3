/** Ready-made playground setups, one click each. */
import {cloneState, defaultModel, type PlaygroundState} from "./state.js";

/**
 * The question the project started from, in one click: a 65,536-wide Switch Net 4 beside a dense
 * network 1448 wide (one of its W×W layers has about as many connections, 2,096,704, as a 65,536-wide
 * Switch Net 4 layer has edges, 2,097,152) and one 724 wide (a W×W layer stores about as many weights,
 * 524,176, as the Switch Net 4 layer's 524,288), depth 2 as in the capacity experiment, on its smooth
 * 16-input target.
 */
export function questionPreset(state: PlaygroundState): PlaygroundState {
  return {
    ...cloneState(state),
    dataset: "smooth16",
    noise: 0,
    samples: 1024,
    biasInput: true,
    models: [
      {...defaultModel("switchnet4"), width: 65536, depth: 2, groupSize: 4, projection: "subrandom"},
      {...defaultModel("dense"), width: 1448, depth: 2},
      {...defaultModel("dense"), width: 724, depth: 2}
    ],
    optimizer: "adam",
    learningRate: 0.005,
    batchSize: 16,
    loss: "mse"
  };
}
