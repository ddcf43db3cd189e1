// Inputs for an optimizer's hyperparameters, built from its definition's defaults and ranges.
import * as Inputs from "@observablehq/inputs";
import {betaRanges} from "../_descent/descent.js";
import {urlInput} from "./url-state.js";

const fmt = (v) => (v !== 0 && (Math.abs(v) < 1e-2 || Math.abs(v) >= 1e4) ? v.toExponential(1) : String(+v.toPrecision(4)));

function rangeInput(range, label, value) {
  return range.scale === "log"
    ? Inputs.range([range.min, range.max], {label, value: Math.max(value, range.min), transform: Math.log, format: fmt})
    : Inputs.range([range.min, range.max], {label, value, step: range.step, format: fmt});
}

/**
 * A form whose value is a torch-style options object for `def`, starting from `initial` over the defaults.
 * Booleans become toggles; `betas` becomes two sliders. With `url`, each field is kept in the page URL as
 * ?<url>.<field>=… (e.g. adam.lr), so a shared link restores it.
 */
export function optimizerForm(def, initial = {}, {url} = {}) {
  const values = {...def.defaults, ...initial};
  const fields = {};
  for (const [name, value] of Object.entries(values)) {
    if (name === "maximize") continue; // every page minimises; maximize is covered by the unit tests
    if (typeof value === "boolean") fields[name] = Inputs.toggle({label: name, value});
    else if (name === "betas") {
      fields.beta1 = rangeInput(betaRanges[0], "β₁ (betas[0])", value[0]);
      fields.beta2 = rangeInput(betaRanges[1], "β₂ (betas[1])", value[1]);
    } else if (def.ranges[name]) fields[name] = rangeInput(def.ranges[name], name, value);
  }
  if (url) for (const [name, input] of Object.entries(fields)) urlInput(`${url}.${name}`, input);
  const form = Inputs.form(fields);
  // Present the value as the options object the library takes.
  const toOptions = (v) => {
    const {beta1, beta2, ...rest} = v;
    return beta1 === undefined ? rest : {...rest, betas: [beta1, beta2]};
  };
  const view = document.createElement("div");
  view.append(form);
  Object.defineProperty(view, "value", {get: () => toOptions(form.value)});
  return view;
}
