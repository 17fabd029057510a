export * from "./errors";
export * from "./fashion-mnist";
export * from "./split";
