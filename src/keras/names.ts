/**
 * Keras 3's automatic names (`keras/src/utils/naming.py`): a layer or model without a `name`
 * is named after its class in snake case, the first one plain (`dense`), the next ones
 * numbered from 1 (`dense_1`, `dense_2`), one counter per name, shared by the whole process
 * until {@link clearSession}. tfjs's own `tf.layers` keep tfjs's counters (`dense_Dense1`).
 */
import { toSnakeCase } from "../util/snake-case";

/** How many objects have taken each automatic name since the last {@link clearSession}. */
const taken = new Map<string, number>();

/** The next automatic name for `snakeName`: `dense`, then `dense_1`, `dense_2`, … */
function uniqueName(snakeName: string): string {
  const count = taken.get(snakeName) ?? 0;
  taken.set(snakeName, count + 1);
  return count === 0 ? snakeName : `${snakeName}_${count}`;
}

/** The user's name if given, else the next automatic one for a Keras class (`"Dense"` → `dense_1`). */
export function nameFor(className: string, name: string | undefined): string {
  return name ?? uniqueName(toSnakeCase(className));
}

/** What tfjs accepts in a layer's name: it scopes the layer's weights and tensors by it (`dense/kernel`). */
const LAYER_NAME = /^[A-Za-z0-9][-A-Za-z0-9._]*$/;

/**
 * A layer's name: the user's, checked, or the next automatic one. Keras 3 takes any name
 * without `/`; tfjs takes only ASCII letters, digits, `-`, `.` and `_` (it names the weights
 * `<layer>/kernel` and refuses others when the layer is built), so a name like `"은닉층"` is
 * refused here, when it is given. A model's name may be anything (`"패션 MNIST 모델"`).
 *
 * @example
 * layerNameFor("Dense", undefined); // "dense", then "dense_1"
 * layerNameFor("Dense", "hidden"); // "hidden"
 */
export function layerNameFor(className: string, name: string | undefined): string {
  if (name !== undefined && !LAYER_NAME.test(name)) {
    throw new Error(
      `keras.layers.${className}: the name ${JSON.stringify(name)} is not one tfjs can give a layer; ` +
        "expected ASCII letters, digits, '-', '.' and '_', starting with a letter or digit (e.g. \"hidden\"). " +
        'A model\'s name may be any text (keras.Sequential(layers, { name: "패션 MNIST 모델" }))',
    );
  }
  return nameFor(className, name);
}

/**
 * Reset Keras's name counters, as `keras.backend.clear_session()` does: the next `Dense` is
 * `dense` again, the next model `sequential`. Models built before keep their names and weights
 * (tfjs's variables are not disposed; `model.dispose()` frees a model's memory).
 *
 * @example
 * keras.layers.Dense(10).name; // "dense"
 * keras.backend.clearSession();
 * keras.layers.Dense(10).name; // "dense" again
 */
export function clearSession(): void {
  taken.clear();
}
