/**
 * Keras's `naming.to_snake_case`, which names layers and their weight groups after their class:
 * `Conv2D` → `conv2d`, `MaxPooling2D` → `max_pooling2d`, `SimpleRNN` → `simple_rnn`.
 *
 * @example
 * toSnakeCase("MaxPooling2D"); // "max_pooling2d"
 */
export function toSnakeCase(className: string): string {
  return className
    .replace(/\W+/g, "")
    .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}
