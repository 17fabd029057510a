export * from "./errors";
export * from "./fashion-mnist";
export * from "./imdb";
export * from "./sequences";
export * from "./split";
