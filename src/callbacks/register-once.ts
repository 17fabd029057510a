/**
 * Registering a callback with tfjs for a `verbose` level (`tf.registerCallbackConstructor`),
 * once per copy of tfjs: two copies of tslab-dl sharing one tfjs must not report each epoch twice.
 */
import { tf } from "../backend";

type CallbackConstructor = Parameters<typeof tf.registerCallbackConstructor>[1];

/**
 * Register `ctor` at `verbosity` unless a copy of tslab-dl already registered `id` with this tfjs.
 *
 * @example
 * registerOnce("tslab-dl.progbar-logger", 1, ProgbarLogger);
 */
export function registerOnce(id: string, verbosity: number, ctor: CallbackConstructor): void {
  const key = Symbol.for(id);
  const slots = globalThis as unknown as { [key: symbol]: WeakSet<object> | undefined };
  const registered = (slots[key] ??= new WeakSet());
  if (registered.has(tf.registerCallbackConstructor)) return;
  registered.add(tf.registerCallbackConstructor);
  tf.registerCallbackConstructor(verbosity, ctor);
}
