export * from "./table.js";
export * from "./pytorch.js";
export * from "./pages.js";
