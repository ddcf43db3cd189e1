// @ts-check
// The page's training worker: tfjs, its backends and every experiment run here (lib/worker.ts).
import {serveExperiments} from "../_descent/descent.js";

serveExperiments(self);
