/**
 * The shared vocabulary of the Keras config translation: JSON types, the
 * error the translators throw, and the small helpers every table uses.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Which Keras dialect a config is written in. */
export type KerasDialect = "keras2" | "keras3";

/** A problem in a model config; the caller turns it into a `ModelFileError` naming the file. */
export class ConfigProblem extends Error {}

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function show(v: Json | undefined): string {
  const text = JSON.stringify(v);
  return text === undefined ? "undefined" : text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * A table entry, if `key` is the table's own: every table below is an
 * allow-list, and `constructor`, `toString` or `valueOf` from a file must not
 * find `Object.prototype`'s members through it.
 *
 * @example
 * own(LOSSES, "toString"); // undefined
 */
export function own<T>(table: { readonly [key: string]: T }, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** A Keras 3 object reference carries `module` and `registered_name`; Keras 2 only class_name and config. */
export function kerasObject(className: string, config: JsonObject, module: string, dialect: KerasDialect): JsonObject {
  return dialect === "keras3"
    ? { module, class_name: className, config, registered_name: null }
    : { class_name: className, config };
}

/** The class name of a serialized Keras object, refusing registered (custom) ones. */
export function objectClass(v: JsonObject, kind: string, where: string): string {
  const cls = v.class_name;
  if (typeof cls !== "string") throw new ConfigProblem(`${where}: ${kind} ${show(v)} has no class_name`);
  const registered = v.registered_name;
  if (typeof registered === "string" && registered !== cls) {
    throw new ConfigProblem(
      `${where}: ${kind} "${registered}" is a custom class; tslab-dl only builds Keras's own classes`,
    );
  }
  const module = v.module;
  if (typeof module === "string" && !module.startsWith("keras")) {
    throw new ConfigProblem(
      `${where}: ${kind} ${cls} comes from module "${module}", not from Keras; custom classes are not loaded`,
    );
  }
  return cls;
}

export function num(c: JsonObject, key: string, fallback: number): number {
  const v = c[key];
  return typeof v === "number" ? v : fallback;
}
