/** Autodiff beyond first order: double-backprop-safe gradients, HVPs, Hessians, softmax regression's closed form. */
export * from "./second-order.js";
export * from "./hessian.js";
export * from "./softmax-regression.js";
export * from "./hessian-speed.js";
