/**
 * For jupyterlab-notebook.test.ts: what a lesson's outputs are made of (nbconvert.ts's
 * `structure`, over the cells JupyterLab's model holds), and the checkpoint 8-3 reads.
 */
import { keras } from "../../src";
import { saveModel } from "../../src/io";
import { setRandomSeed } from "../../src/seed";
import { structure, type Output } from "../notebooks/nbconvert";

/** Each cell's output kinds, as nbconvert.ts's `structure` lists them. */
export function lessonStructure(cells: ReadonlyArray<{ outputs?: unknown[] }>): string[][] {
  return structure({ cells: cells.map((c) => ({ outputs: (c.outputs ?? []) as Output[] })) });
}

/**
 * Write the file 8-3 loads (`best-cnn-model.h5`): 8-2's CNN with its seeded initial weights.
 * Training it is 8-2's lesson and takes long; 8-3 only reads its layers, filters and feature maps.
 *
 * @example
 * await writeCnnCheckpoint(join(notebooks, "en", "best-cnn-model.h5"));
 */
export async function writeCnnCheckpoint(file: string): Promise<void> {
  setRandomSeed(42);
  const model = keras.Sequential();
  model.add(keras.layers.Conv2D(32, { kernelSize: 3, activation: "relu", padding: "same", inputShape: [28, 28, 1] }));
  model.add(keras.layers.MaxPooling2D(2));
  model.add(keras.layers.Conv2D(64, { kernelSize: 3, activation: "relu", padding: "same" }));
  model.add(keras.layers.MaxPooling2D(2));
  model.add(keras.layers.Flatten());
  model.add(keras.layers.Dense(100, { activation: "relu" }));
  model.add(keras.layers.Dropout(0.4));
  model.add(keras.layers.Dense(10, { activation: "softmax" }));
  model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  await saveModel(model, file);
  model.dispose();
}
