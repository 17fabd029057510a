/**
 * The recurrent-network lesson (chapter 9-2), cell by cell, in English and Korean:
 * IMDB reviews as word indexes, padding, one-hot words into a SimpleRNN, then an Embedding.
 * `npm run notebooks:build -- --lesson 09-2` writes `notebooks/{en,ko}/09-2-imdb-simplernn.ipynb`.
 * It needs the real `imdb.npz` (see {@link IMDB_NOTE}); without it the notebooks are committed without outputs.
 */
import { md, py, type LessonCell } from "./lesson";

/** Both lessons' note that their outputs come from running them on the real data. */
export const IMDB_NOTE = {
  en: `> **Outputs.** This notebook runs on the real IMDB reviews (\`imdb.npz\`, 17 MB, the file Keras downloads). Where its cells show no outputs, it was committed from a machine without that file: its outputs come from running it with the data. Get the file with \`curl -fL -o ~/.keras/datasets/imdb.npz https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz\` (or put it in a folder named by \`$IMDB_DIR\`); \`loadImdb()\` also downloads it by itself where the network allows. The epochs default to the book's 100; \`TSLAB_DL_LESSON_EPOCHS=2\` in the kernel's environment trains fewer (the tests do, on a small generated file).`,
  ko: `> **출력.** 이 노트북은 실제 IMDB 리뷰(\`imdb.npz\`, 17 MB, Keras가 내려받는 파일)로 실행합니다. 셀에 출력이 없다면 그 파일이 없는 컴퓨터에서 커밋한 것입니다. 출력은 데이터를 두고 실행하면 나옵니다. 파일은 \`curl -fL -o ~/.keras/datasets/imdb.npz https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz\`로 받습니다(\`$IMDB_DIR\`가 가리키는 폴더에 두어도 됩니다). 네트워크가 되는 곳에서는 \`loadImdb()\`가 직접 내려받기도 합니다. 에포크는 책과 같이 100이 기본이고, 커널 환경에 \`TSLAB_DL_LESSON_EPOCHS=2\`를 주면 더 적게 훈련합니다(테스트는 작게 만든 파일로 이렇게 실행합니다).`,
};

const PY_LOAD = py(`
from tensorflow.keras.datasets import imdb
(train_input, train_target), (test_input, test_target) = imdb.load_data(
    num_words=300)
print(train_input.shape, test_input.shape)
`);
const PY_LENGTHS = py(`
print(len(train_input[0]))
print(len(train_input[1]))
print(train_input[0])
`);
const PY_TARGET = py(`
print(train_target[:20])
`);
const PY_SPLIT = py(`
from sklearn.model_selection import train_test_split
train_input, val_input, train_target, val_target = train_test_split(
    train_input, train_target, test_size=0.2, random_state=42)
`);
const PY_MEAN = py(`
import numpy as np
lengths = np.array([len(x) for x in train_input])
print(np.mean(lengths), np.median(lengths))
`);
const PY_HIST = py(`
import matplotlib.pyplot as plt
plt.hist(lengths)
plt.xlabel('length')
plt.ylabel('frequency')
plt.show()
`);
const PY_PAD = py(`
from tensorflow.keras.preprocessing.sequence import pad_sequences
train_seq = pad_sequences(train_input, maxlen=100)
print(train_seq.shape)
print(train_seq[0])
print(train_input[0][-10:])
print(train_seq[5])
val_seq = pad_sequences(val_input, maxlen=100)
`);
const PY_MODEL = py(`
from tensorflow import keras
model = keras.Sequential()
model.add(keras.layers.SimpleRNN(8, input_shape=(100, 300)))
model.add(keras.layers.Dense(1, activation='sigmoid'))
`);
const PY_ONE_HOT = py(`
train_oh = keras.utils.to_categorical(train_seq)
print(train_oh.shape)
print(train_oh[0][0][:12])
print(np.sum(train_oh[0][0]))
val_oh = keras.utils.to_categorical(val_seq)
`);
const PY_SUMMARY = py(`
model.summary()
`);
const PY_FIT = py(`
rmsprop = keras.optimizers.RMSprop(learning_rate=1e-4)
model.compile(optimizer=rmsprop, loss='binary_crossentropy',
              metrics=['accuracy'])
checkpoint_cb = keras.callbacks.ModelCheckpoint('best-simplernn-model.h5',
                                                save_best_only=True)
early_stopping_cb = keras.callbacks.EarlyStopping(patience=3,
                                                  restore_best_weights=True)
history = model.fit(train_oh, train_target, epochs=100, batch_size=64,
                    validation_data=(val_oh, val_target),
                    callbacks=[checkpoint_cb, early_stopping_cb])
`);
const PY_CURVES = py(`
plt.plot(history.history['loss'])
plt.plot(history.history['val_loss'])
plt.xlabel('epoch')
plt.ylabel('loss')
plt.legend(['train', 'val'])
plt.show()
`);
const PY_NBYTES = py(`
print(train_seq.nbytes, train_oh.nbytes)
`);
const PY_EMBEDDING = py(`
model2 = keras.Sequential()
model2.add(keras.layers.Embedding(300, 16, input_length=100))
model2.add(keras.layers.SimpleRNN(8))
model2.add(keras.layers.Dense(1, activation='sigmoid'))
model2.summary()
`);
const PY_FIT2 = py(`
rmsprop = keras.optimizers.RMSprop(learning_rate=1e-4)
model2.compile(optimizer=rmsprop, loss='binary_crossentropy',
               metrics=['accuracy'])
checkpoint_cb = keras.callbacks.ModelCheckpoint('best-embedding-model.h5',
                                                save_best_only=True)
early_stopping_cb = keras.callbacks.EarlyStopping(patience=3,
                                                  restore_best_weights=True)
history = model2.fit(train_seq, train_target, epochs=100, batch_size=64,
                     validation_data=(val_seq, val_target),
                     callbacks=[checkpoint_cb, early_stopping_cb])
`);

const CURVES = `plt.plot(history.history.loss);
plt.plot(history.history.val_loss);
plt.xlabel("epoch");
plt.ylabel("loss");
plt.legend(["train", "val"]);
plt.show();`;

const STOPPED = `({ stoppedEpoch: earlyStoppingCb.stoppedEpoch, bestEpoch: earlyStoppingCb.bestEpoch })`;

export const LESSON_09_2: LessonCell[] = [
  md(
    `# 9-2 Classifying IMDB reviews with a recurrent network — in TypeScript

A review is a sequence of words, and its meaning depends on their order. A **recurrent** layer reads a sequence one step at a time and carries a state from each step to the next. This notebook follows the lesson step by step, with TensorFlow.js and \`tslab-dl\`:

1. **IMDB as Keras loads it** — \`loadImdb\`, reviews as lists of word indexes
2. **Review lengths** — a histogram, then \`padSequences\` to 100 words each
3. **One-hot words** into a \`SimpleRNN\` — \`toCategorical\`
4. **Training** with \`ModelCheckpoint\` and \`EarlyStopping\`, and the loss curves
5. **An Embedding layer** instead of one-hot vectors

${IMDB_NOTE.en}`,
    `# 9-2 순환 신경망으로 IMDB 리뷰 분류하기 — TypeScript 버전

리뷰는 단어의 시퀀스이고, 그 뜻은 단어의 순서에 달려 있습니다. **순환** 층은 시퀀스를 한 타임스텝씩 읽으면서 한 스텝의 상태를 다음 스텝으로 넘깁니다. 이 노트북은 강의를 TensorFlow.js와 \`tslab-dl\`로 한 단계씩 따라갑니다.

1. **Keras가 읽는 그대로의 IMDB** — \`loadImdb\`, 단어 인덱스의 리스트로 된 리뷰
2. **리뷰의 길이** — 히스토그램, 그리고 \`padSequences\`로 모두 100 단어로 맞추기
3. **원-핫 인코딩한 단어**를 \`SimpleRNN\`에 — \`toCategorical\`
4. **훈련** — \`ModelCheckpoint\`와 \`EarlyStopping\`, 손실 곡선
5. 원-핫 벡터 대신 **임베딩 층**

${IMDB_NOTE.ko}`,
  ),
  md(
    `## Setting up

As in the earlier lessons: one import, \`init()\` picks the backend, \`setRandomSeed(42)\` makes initial weights and shuffling repeat from run to run. \`EPOCHS\` is the book's 100 unless \`TSLAB_DL_LESSON_EPOCHS\` says otherwise.`,
    `## 준비

이전 강의와 같습니다. import 한 줄, 백엔드를 고르는 \`init()\`, 초기 가중치와 데이터 섞기를 매번 똑같이 만드는 \`setRandomSeed(42)\`입니다. \`EPOCHS\`는 \`TSLAB_DL_LESSON_EPOCHS\`가 없으면 책과 같은 100입니다.`,
  ),
  {
    code: `import {
  keras, tf, init, setRandomSeed, loadImdb, trainTestSplit, padSequences, toCategorical,
  EarlyStopping, ModelCheckpoint, plt,
} from "tslab-dl";

await init();
setRandomSeed(42);
const EPOCHS = Number(process.env.TSLAB_DL_LESSON_EPOCHS ?? 100);`,
  },
  md(
    `## The IMDB reviews

\`loadImdb\` returns what Keras's \`imdb.load_data\` returns, the same reviews in the same order: 25 000 training and 25 000 test reviews, each a list of word indexes. \`numWords: 300\` keeps the 300 most frequent words; every other word becomes 2 (out of vocabulary). Each review starts with 1, the start mark. The reviews have different lengths, so they are a list of lists (\`Sequences\`), not a tensor: where Python prints the shape \`(25000,)\`, we print \`length\`.`,
    `## IMDB 리뷰 데이터

\`loadImdb\`는 Keras의 \`imdb.load_data\`와 같은 리뷰를 같은 순서로 돌려줍니다. 훈련 리뷰 2만 5천 개와 테스트 리뷰 2만 5천 개이고, 리뷰 하나는 단어 인덱스의 리스트입니다. \`numWords: 300\`은 가장 자주 나오는 단어 300개만 남기고, 나머지 단어는 2(어휘 사전에 없는 단어)로 바꿉니다. 리뷰는 모두 시작 표시인 1로 시작합니다. 리뷰마다 길이가 달라서 텐서가 아닌 리스트의 리스트(\`Sequences\`)입니다. Python이 \`(25000,)\`라는 크기를 출력하는 곳에서 우리는 \`length\`를 출력합니다.`,
    PY_LOAD,
  ),
  {
    code: `const [[trainInputAll, trainTargetAll], [testInput, testTarget]] = await loadImdb({ numWords: 300 });
console.log(trainInputAll.length, testInput.length);`,
  },
  md(
    `The first review has 218 words, the second 189. Displayed, the reviews show as one line: how many, their shortest and longest lengths, and the head of the first.`,
    `첫 번째 리뷰는 218개, 두 번째 리뷰는 189개의 단어로 되어 있습니다. 리뷰 전체를 출력하면 한 줄로 보입니다. 리뷰의 개수, 가장 짧은 길이와 가장 긴 길이, 그리고 첫 번째 리뷰의 앞부분입니다.`,
    PY_LENGTHS,
  ),
  {
    code: `console.log(trainInputAll[0].length);
console.log(trainInputAll[1].length);
console.log(trainInputAll[0]);
trainInputAll`,
  },
  md(
    `The targets: 1 for a positive review, 0 for a negative one.`,
    `타깃은 긍정 리뷰가 1, 부정 리뷰가 0입니다.`,
    PY_TARGET,
  ),
  { code: `trainTargetAll.slice(0, 20)` },
  md(
    `As in the earlier lessons, 20% of the training set becomes the validation set, the same rows as scikit-learn's \`random_state=42\`. \`trainTestSplit\` splits the \`Sequences\` and the target tensor together.`,
    `이전 강의처럼 훈련 세트의 20%를 검증 세트로 떼어 둡니다. scikit-learn의 \`random_state=42\`와 같은 샘플입니다. \`trainTestSplit\`은 \`Sequences\`와 타깃 텐서를 함께 나눕니다.`,
    PY_SPLIT,
  ),
  {
    code: `const [trainInput, valInput, trainTarget, valTarget] = trainTestSplit(
  trainInputAll, trainTargetAll, { testSize: 0.2, randomState: 42 });
console.log(trainInput.length, valInput.length);`,
  },
  md(
    `## How long are the reviews?

The mean and median length: the mean is pulled up by a few very long reviews.`,
    `## 리뷰의 길이

평균과 중간값입니다. 아주 긴 리뷰 몇 개 때문에 평균이 중간값보다 큽니다.`,
    PY_MEAN,
  ),
  {
    code: `const lengths = trainInput.map((x) => x.length);
const sorted = [...lengths].sort((a, b) => a - b);
const mid = sorted.length / 2;
const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
console.log(lengths.reduce((a, b) => a + b, 0) / lengths.length, median);`,
  },
  md(
    `\`plt.hist\` draws the histogram (10 bins, as matplotlib's default): most reviews are short, a few run to over a thousand words.`,
    `\`plt.hist\`로 히스토그램을 그립니다(matplotlib처럼 구간 10개). 대부분의 리뷰는 짧고, 천 단어가 넘는 리뷰는 몇 개뿐입니다.`,
    PY_HIST,
  ),
  {
    code: `plt.hist(lengths);
plt.xlabel("length");
plt.ylabel("frequency");
plt.show();`,
  },
  md(
    `## Padding to one length

A batch must be a rectangle, so every review is made 100 words long: \`padSequences\` (Keras's \`pad_sequences\`) cuts longer reviews and fills shorter ones with 0. By default both happen at the **start**: a long review keeps its last 100 words — the end of a review tends to say what the reviewer concluded — and a short one is padded before it, so the network reads its words last.`,
    `## 길이를 하나로 맞추기

배치는 직사각형이어야 하므로 리뷰를 모두 100 단어로 맞춥니다. \`padSequences\`(Keras의 \`pad_sequences\`)는 긴 리뷰를 자르고 짧은 리뷰를 0으로 채웁니다. 기본적으로 둘 다 **앞쪽**에서 일어납니다. 긴 리뷰는 마지막 100 단어를 남기고(리뷰의 끝에 결론이 담기기 쉽습니다), 짧은 리뷰는 앞에 0을 채워서 신경망이 실제 단어를 마지막에 읽습니다.`,
    PY_PAD,
  ),
  {
    code: `const trainSeq = padSequences(trainInput, { maxlen: 100 });
console.log(trainSeq.shape);
console.log(trainSeq.arraySync()[0]);
console.log(trainInput[0].slice(-10));
console.log(trainSeq.arraySync()[5]);
const valSeq = padSequences(valInput, { maxlen: 100 });`,
  },
  md(
    `## A SimpleRNN on one-hot words

The model: a \`SimpleRNN\` of 8 units reads the 100 steps of a review, each step a vector of 300 numbers, and hands its last state to one sigmoid unit, the probability that the review is positive.`,
    `## 원-핫 인코딩한 단어를 SimpleRNN으로

모델입니다. 유닛 8개짜리 \`SimpleRNN\`이 리뷰의 100 타임스텝을 읽습니다. 타임스텝 하나는 숫자 300개의 벡터입니다. 마지막 상태는 시그모이드 유닛 하나로 가서 리뷰가 긍정일 확률이 됩니다.`,
    PY_MODEL,
  ),
  {
    code: `const model = keras.Sequential();
model.add(keras.layers.SimpleRNN(8, { inputShape: [100, 300] }));
model.add(keras.layers.Dense(1, { activation: "sigmoid" }));`,
  },
  md(
    `A word index is a name, not an amount: word 20 is not twice word 10. **One-hot** encoding turns each index into 300 numbers, all 0 except a 1 at the index. \`toCategorical\` (Keras's \`to_categorical\`) does it for every word of every review: \`[N, 100]\` becomes \`[N, 100, 300]\`.

Here is where we part from the book for a moment. The whole one-hot training set is 20 000 × 100 × 300 float32 numbers, 2.4 GB. TensorFlow.js 4.22's WebAssembly backend cannot work with that much: once its memory passes 2 GB, it reads wrong data for every tensor made after that point (a \`gather\` then finds its indexes undefined; tried with 16 000 reviews, 1.8 GB, which works, and 20 000, which fails). So we one-hot encode one review to look at it (\`numClasses: 300\`, since one review need not contain word 299), and in the next cell encode each batch of 64 reviews when the model asks for it. The model sees the same numbers as with the book's \`train_oh\`.`,
    `단어 인덱스는 이름이지 양이 아닙니다. 20번 단어가 10번 단어의 두 배는 아닙니다. **원-핫 인코딩**은 인덱스 하나를 숫자 300개로 바꿉니다. 그 인덱스 자리만 1이고 나머지는 0입니다. \`toCategorical\`(Keras의 \`to_categorical\`)은 모든 리뷰의 모든 단어를 바꿉니다. \`[N, 100]\`이 \`[N, 100, 300]\`이 됩니다.

여기서 잠시 책과 다르게 갑니다. 원-핫 인코딩한 훈련 세트 전체는 20 000 × 100 × 300개의 float32 숫자, 2.4 GB입니다. TensorFlow.js 4.22의 WebAssembly 백엔드는 이만큼을 다루지 못합니다. 메모리가 2 GB를 넘으면 그 뒤에 만든 텐서는 모두 잘못된 데이터를 읽습니다(\`gather\`가 인덱스를 undefined로 읽습니다. 리뷰 16 000개, 1.8 GB는 되고 20 000개는 실패했습니다). 그래서 리뷰 하나만 원-핫 인코딩해서 살펴보고(리뷰 하나에 299번 단어가 없을 수도 있으니 \`numClasses: 300\`을 줍니다), 다음 셀에서 모델이 요청할 때마다 64개 리뷰의 배치를 인코딩합니다. 모델이 보는 숫자는 책의 \`train_oh\`와 같습니다.`,
    PY_ONE_HOT,
  ),
  {
    code: `const firstOh = toCategorical(trainSeq.slice(0, 1), 300);
console.log(firstOh.shape);
console.log(Array.from(firstOh.slice([0, 0, 0], [1, 1, 12]).dataSync()));
console.log(firstOh.slice([0, 0, 0], [1, 1, -1]).sum().dataSync()[0]);`,
  },
  md(
    `\`oneHotBatches\` makes a \`tf.data\` dataset of one-hot batches, in a new random order each epoch for training (as \`fit\` shuffles), in order for validation; \`fitDataset\` trains on it as \`fit\` trains on tensors, with the same callbacks.`,
    `\`oneHotBatches\`는 원-핫 배치로 된 \`tf.data\` 데이터셋을 만듭니다. 훈련용은 (\`fit\`처럼) 에포크마다 새로 섞은 순서로, 검증용은 순서대로 배치를 만듭니다. \`fitDataset\`은 \`fit\`이 텐서로 훈련하듯 이 데이터셋으로 훈련하고, 콜백도 똑같이 씁니다.`,
  ),
  {
    code: `function oneHotBatches(seq: tf.Tensor2D, target: tf.Tensor1D, shuffle = false, batchSize = 64) {
  const n = seq.shape[0];
  return tf.data.generator(function* () {
    const order = shuffle ? Int32Array.from(tf.util.createShuffledIndices(n)) : Int32Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < n; i += batchSize) {
      const rows = tf.tensor1d(order.subarray(i, i + batchSize), "int32");
      yield tf.tidy(() => ({ xs: toCategorical(tf.gather(seq, rows), 300), ys: tf.gather(target, rows).reshape([-1, 1]) }));
      rows.dispose();
    }
  });
}`,
  },
  md(
    `The summary: the SimpleRNN has 300 × 8 input weights, 8 × 8 recurrent weights (its state feeds back into itself) and 8 biases, 2 472 parameters.`,
    `요약입니다. SimpleRNN의 파라미터는 입력 가중치 300 × 8개, 순환 가중치 8 × 8개(상태가 자기 자신에게 다시 들어갑니다), 절편 8개로 모두 2 472개입니다.`,
    PY_SUMMARY,
  ),
  { code: `model` },
  md(
    `## Training

RMSprop with a small learning rate (1e-4), binary cross-entropy for the two classes, batches of 64, up to \`EPOCHS\` (the book's 100) epochs. \`ModelCheckpoint\` keeps the best model in \`best-simplernn-model.h5\`; \`EarlyStopping\` stops after 3 epochs without a better validation loss and restores the best weights. The recurrent layer runs each sequence as one operation on WebAssembly, but 100 steps per review still make each epoch slow on a CPU.`,
    `## 훈련

작은 학습률(1e-4)의 RMSprop, 두 클래스를 위한 이진 크로스 엔트로피, 배치 크기 64로 최대 \`EPOCHS\`(책은 100) 에포크 동안 훈련합니다. \`ModelCheckpoint\`는 가장 좋은 모델을 \`best-simplernn-model.h5\`에 남기고, \`EarlyStopping\`은 검증 손실이 3 에포크 동안 나아지지 않으면 멈추고 최상의 가중치를 되돌립니다. 순환 층은 WebAssembly에서 시퀀스 하나를 연산 하나로 처리하지만, 리뷰마다 100 타임스텝이라 CPU에서는 에포크마다 시간이 꽤 걸립니다.`,
    PY_FIT,
  ),
  {
    code: `const rmsprop = keras.optimizers.RMSprop({ learningRate: 1e-4 });
model.compile({ optimizer: rmsprop, loss: "binary_crossentropy", metrics: ["accuracy"] });
const checkpointCb = new ModelCheckpoint("best-simplernn-model.h5", { saveBestOnly: true });
const earlyStoppingCb = new EarlyStopping({ patience: 3, restoreBestWeights: true });
const history = await model.fitDataset(oneHotBatches(trainSeq, trainTarget, true), {
  epochs: EPOCHS, verbose: 0,
  validationData: oneHotBatches(valSeq, valTarget),
  callbacks: [checkpointCb, earlyStoppingCb],
});`,
  },
  md(
    `Where training stopped (epochs counted from 0), and the epoch whose weights were restored:`,
    `훈련이 멈춘 에포크(0부터 셉니다)와 가중치를 되돌린 에포크입니다.`,
  ),
  { code: STOPPED },
  md(
    `## The loss curves

The validation loss falls slowly and steadily with this small learning rate; training stops where it no longer improves.`,
    `## 손실 곡선

학습률이 작아서 검증 손실이 천천히 꾸준하게 줄어듭니다. 더는 나아지지 않는 곳에서 훈련이 멈춥니다.`,
    PY_CURVES,
  ),
  { code: CURVES },
  md(
    `## The price of one-hot vectors

One-hot vectors are mostly zeros: the one-hot training set would take 300 times the memory of the padded indexes, 4 bytes per number (NumPy's int32 indexes are 4 bytes too) — the 2.4 GB that made us encode batch by batch.`,
    `## 원-핫 벡터의 비용

원-핫 벡터는 대부분 0입니다. 원-핫 인코딩한 훈련 세트는 패딩한 인덱스보다 메모리를 300배 차지합니다. 숫자 하나에 4바이트입니다(NumPy의 int32 인덱스도 4바이트입니다). 배치마다 인코딩하게 만든 바로 그 2.4 GB입니다.`,
    PY_NBYTES,
  ),
  { code: `console.log(trainSeq.size * 4, trainSeq.size * 300 * 4);` },
  md(
    `## An Embedding layer

An **Embedding** layer learns a dense vector for each word — here 16 numbers instead of 300 — and takes the padded indexes directly: nothing is one-hot encoded. Similar words can end up with similar vectors. \`Embedding(300, 16)\` has 300 × 16 = 4 800 parameters; the SimpleRNN now has 16 × 8 input weights.`,
    `## 단어 임베딩

**임베딩** 층은 단어마다 밀집 벡터를 학습합니다. 여기서는 300개가 아니라 숫자 16개입니다. 패딩한 인덱스를 그대로 받으므로 원-핫 인코딩이 필요 없습니다. 비슷한 단어는 비슷한 벡터가 될 수 있습니다. \`Embedding(300, 16)\`의 파라미터는 300 × 16 = 4 800개이고, SimpleRNN의 입력 가중치는 이제 16 × 8개입니다.`,
    PY_EMBEDDING,
  ),
  {
    code: `const model2 = keras.Sequential();
model2.add(keras.layers.Embedding(300, 16, { inputLength: 100 }));
model2.add(keras.layers.SimpleRNN(8));
model2.add(keras.layers.Dense(1, { activation: "sigmoid" }));
model2`,
  },
  md(
    `The same training, on the padded indexes, with its own checkpoint file.`,
    `같은 방법으로 훈련합니다. 입력은 패딩한 인덱스이고, 체크포인트 파일은 따로 씁니다.`,
    PY_FIT2,
  ),
  {
    code: `const rmsprop2 = keras.optimizers.RMSprop({ learningRate: 1e-4 });
model2.compile({ optimizer: rmsprop2, loss: "binary_crossentropy", metrics: ["accuracy"] });
const checkpointCb2 = new ModelCheckpoint("best-embedding-model.h5", { saveBestOnly: true });
const earlyStoppingCb2 = new EarlyStopping({ patience: 3, restoreBestWeights: true });
const history2 = await model2.fit(trainSeq, trainTarget, {
  epochs: EPOCHS, batchSize: 64, verbose: 0,
  validationData: [valSeq, valTarget],
  callbacks: [checkpointCb2, earlyStoppingCb2],
});`,
  },
  { code: `({ stoppedEpoch: earlyStoppingCb2.stoppedEpoch, bestEpoch: earlyStoppingCb2.bestEpoch })` },
  md(
    `The loss curves of the Embedding model: it reaches about the same validation loss as the one-hot model, with a fraction of the input's memory.`,
    `임베딩 모델의 손실 곡선입니다. 원-핫 모델과 비슷한 검증 손실에 이르지만, 입력이 차지하는 메모리는 훨씬 작습니다.`,
    PY_CURVES,
  ),
  { code: CURVES.replace(/history\.history/g, "history2.history") },
  md(
    `## Summary

- \`loadImdb\` gives the reviews as Keras does; \`numWords\` limits the vocabulary.
- \`padSequences\` makes every review the same length, cutting and padding at the start by default.
- \`toCategorical\` one-hot encodes words for a \`SimpleRNN\`, at 300 times the memory (too much for WebAssembly at once: batch by batch, with \`fitDataset\`); an \`Embedding\` layer learns small dense vectors from the indexes instead.
- \`ModelCheckpoint\` and \`EarlyStopping(patience 3)\` keep the best model, as in chapters 7 and 8.`,
    `## 정리

- \`loadImdb\`는 Keras와 같은 리뷰를 돌려줍니다. \`numWords\`로 어휘 사전의 크기를 정합니다.
- \`padSequences\`는 모든 리뷰의 길이를 맞춥니다. 기본적으로 앞쪽을 자르고 앞쪽에 0을 채웁니다.
- \`toCategorical\`은 \`SimpleRNN\`을 위해 단어를 원-핫 인코딩하지만 메모리가 300배 듭니다(WebAssembly에서 한 번에 다루기에는 너무 커서 \`fitDataset\`으로 배치마다 인코딩했습니다). 임베딩 층은 인덱스에서 작은 밀집 벡터를 학습합니다.
- 7장과 8장처럼 \`ModelCheckpoint\`와 \`EarlyStopping(patience 3)\`으로 가장 좋은 모델을 남깁니다.`,
  ),
];
