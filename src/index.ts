/**
 * tslab-dl: deep learning in TypeScript notebooks.
 *
 * The public surface, nothing else: every name a notebook cell imports.
 *
 * @example
 * import { tf, init, loadFashionMnist, EarlyStopping } from "tslab-dl";
 */
export * from "./backend";
export * from "./seed";
export * from "./data";
export * from "./callbacks";
export * from "./io";
export * from "./display";
export * from "./widgets";
export * from "./speed";
