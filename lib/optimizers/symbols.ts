/**
 * The symbols of the optimizers' equations and the code names that hold them. Equations mark a symbol with
 * `\sym{key}{…}` (rendered as data-sym="key"); pages use this table to link a symbol to the line of code that
 * computes it and to the state buffer that holds its current value.
 */
export interface SymbolInfo {
  /** The identifier in the update rule's code. */
  code: string;
  /** What it is, in a few words. */
  meaning: string;
}

export const symbols: Readonly<Record<string, SymbolInfo>> = Object.freeze({
  g: { code: "g", meaning: "the gradient (after weight decay, sign and Nesterov adjustments)" },
  theta: { code: "θ", meaning: "the parameter" },
  b: { code: "b", meaning: "the momentum buffer (torch: momentum_buffer)" },
  eta: { code: "η", meaning: "the decayed learning rate" },
  G: { code: "G", meaning: "the running sum of squared gradients (torch: sum)" },
  Eg2: { code: "Eg2", meaning: "the running average of g² (torch: square_avg)" },
  Eg: { code: "Eg", meaning: "the running average of g (torch: grad_avg)" },
  dtheta: { code: "Δθ", meaning: "the update before the learning rate" },
  Edtheta2: { code: "EΔθ2", meaning: "the running average of Δθ² (torch: acc_delta)" },
  sigma: { code: "σ", meaning: "the RMS of the gradient, plus ε" },
  m: { code: "m", meaning: "the first moment estimate (torch: exp_avg)" },
  v: { code: "v", meaning: "the second moment estimate (torch: exp_avg_sq)" },
  vmax: { code: "vmax", meaning: "the running maximum of v (torch: max_exp_avg_sq)" },
  mhat: { code: "m̂", meaning: "the bias-corrected first moment" },
  vhat: { code: "v̂", meaning: "the bias-corrected second moment" },
  // Muon
  B: { code: "B", meaning: "Muon's momentum buffer, an average of gradients (torch: momentum_buffer)" },
  Umuon: { code: "U", meaning: "the update matrix Muon orthogonalises (Nesterov: g + μ(B − g))" },
  X: { code: "X", meaning: "the Newton–Schulz iterate, in bfloat16" },
  O: { code: "O", meaning: "the orthogonalised update: U with its singular values pushed towards 1" },
  // L-BFGS
  s: { code: "s", meaning: "the last step θ_{k+1} − θ_k (torch: old_stps)" },
  y: { code: "y", meaning: "the change of gradient over that step (torch: old_dirs)" },
  ro: { code: "ρ", meaning: "1 / yᵀs (torch: ro)" },
  d: { code: "d", meaning: "the search direction −H g (torch: d)" },
  // issue 15: NAdam, RAdam, Adamax, Rprop, ASGD, Adafactor
  mu: { code: "μ", meaning: "NAdam's momentum weight at step t" },
  muprod: { code: "μΠ", meaning: "the product of NAdam's momentum weights so far (torch: mu_product)" },
  rho: { code: "ρ", meaning: "RAdam's length of the approximated moving average" },
  rect: { code: "r", meaning: "RAdam's variance rectification" },
  u: { code: "u", meaning: "the exponentially weighted infinity norm (torch: exp_inf)" },
  etaR: { code: "η", meaning: "Rprop's step-size factor: η₊, η₋ or 1" },
  stepsize: { code: "Δ", meaning: "Rprop's per-weight step size (torch: step_size)" },
  gprev: { code: "gPrev", meaning: "the previous step's gradient (torch: prev)" },
  muavg: { code: "μ", meaning: "ASGD's averaging weight (torch: mu)" },
  ax: { code: "ax", meaning: "the average of the iterates (torch: ax)" },
  R: { code: "R", meaning: "Adafactor's row mean of G² (torch: row_var)" },
  C: { code: "C", meaning: "Adafactor's column mean of G² (torch: col_var)" },
  V: { code: "V", meaning: "Adafactor's second moment of a vector (torch: variance)" },
  Vhat: { code: "V̂", meaning: "Adafactor's second-moment estimate" },
  U: { code: "U", meaning: "Adafactor's unscaled update G/√V̂" },
  relstep: { code: "ρ", meaning: "Adafactor's relative step size" },
  scale: { code: "α", meaning: "Adafactor's step size: the relative step times the RMS of θ" },
});

/** KaTeX macro that turns `\sym{key}{tex}` into an element carrying data-sym="key". */
export const texMacros: Readonly<Record<string, string>> = Object.freeze({ "\\sym": "\\htmlData{sym=#1}{#2}" });

const letter = /[\p{L}\p{N}_$]/u;

/**
 * 0-based indexes of the lines of `code` that assign `identifier` (`x = …`, `const x = …`, `let x: T = …`),
 * not lines that only read it or compare with it.
 */
export function assigningLines(code: string, identifier: string): number[] {
  const out: number[] = [];
  code.split("\n").forEach((line, i) => {
    let from = 0;
    for (;;) {
      const at = line.indexOf(identifier, from);
      if (at < 0) break;
      from = at + identifier.length;
      const before = line[at - 1];
      const after = line[from];
      if ((before && letter.test(before)) || (after && letter.test(after))) continue;
      if (/^\s*(:\s*[\w<>[\], ]+)?\s*=(?!=)/.test(line.slice(from))) {
        out.push(i);
        break;
      }
    }
  });
  return out;
}
