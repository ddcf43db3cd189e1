/** Data for Descent's pages: datasets as typed arrays, MNIST's idx files, the .bin format, batches, augmentation. */
export * from "./dataset.js";
export * from "./idx.js";
export * from "./format.js";
export * from "./augment.js";
export * from "./batches.js";
