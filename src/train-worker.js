// The "Learned functions" page trains here, off the main thread, so the page stays responsive.
// The worker's logic and its messages are typed TypeScript: components/playground/worker.ts and
// components/playground/protocol.ts.
import {startTrainingWorker} from "./components/playground/worker.js";

startTrainingWorker(self);
