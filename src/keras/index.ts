/**
 * The `keras` namespace: Keras 3's names and defaults over tfjs, so that the book's Python
 * cells port literally (`keras.Sequential`, `keras.layers.Dense(10, …)`, `keras.optimizers.SGD()`).
 * `tf.layers` and `tf.sequential` keep tfjs's own behaviour. README "Keras's defaults" says what differs.
 */
import { clearSession } from "./names";
import { Dense, Flatten, Dropout, Reshape, Activation, Embedding } from "./layers-core";
import { Conv2D, MaxPooling2D, AveragePooling2D } from "./layers-conv";
import { SimpleRNN, LSTM, GRU } from "./layers-recurrent";
import { SGD, RMSprop, Adagrad, Adam, Adamax, Adadelta } from "./optimizers";
import { InputLayer } from "./models";

export { Sequential, Model, Input, KerasSequential, KerasFunctional } from "./models";
export type { SequentialItem, InputArgs, ModelArgs } from "./models";
export type { KerasCompileArgs } from "./compile";
export type {
  DenseArgs,
  FlattenArgs,
  DropoutArgs,
  ReshapeArgs,
  ActivationArgs,
  ActivationName,
  EmbeddingArgs,
} from "./layers-core";
export type { Conv2DArgs, Conv2DRestArgs, Pooling2DArgs, Pooling2DRestArgs } from "./layers-conv";
export type { SimpleRNNArgs, LSTMArgs, GRUArgs } from "./layers-recurrent";
export type { SGDArgs, RMSpropArgs, AdagradArgs, AdamArgs, AdadeltaArgs } from "./optimizers";

/** Keras's layers: `keras.layers.Dense(10, { activation: "softmax" })`, named and initialised as Keras does. */
export const layers = {
  Dense,
  Flatten,
  Dropout,
  Reshape,
  Activation,
  Embedding,
  Conv2D,
  MaxPooling2D,
  AveragePooling2D,
  SimpleRNN,
  LSTM,
  GRU,
  InputLayer,
};

/** Keras's optimizers with Keras 3's defaults: `keras.optimizers.SGD({ learningRate: 0.1 })`. */
export const optimizers = { SGD, RMSprop, Adagrad, Adam, Adamax, Adadelta };

/** Keras's backend utilities: `keras.backend.clearSession()`. */
export const backend = { clearSession };
