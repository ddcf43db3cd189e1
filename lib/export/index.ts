export * from "./table.js";
export * from "./pytorch.js";
