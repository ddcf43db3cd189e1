/** Newton's method: safeguarded exact Newton, Newton-CG, pure Newton steps, and the float64 linear algebra under them. */
export * from "./linalg.js";
export * from "./objective.js";
export * from "./newton.js";
export * from "./newton-cg.js";
export * from "./softmax-objective.js";
export * from "./compare.js";
