// @ts-check
// Inputs for an optimizer's hyperparameters, built from its definition's defaults and ranges, checked by the
// optimizer's own validate: lib/ui/inputs.ts (optimizerForm) and lib/url/inputs.ts (optimizerRows).
export {optimizerForm} from "../_descent/descent.js";
