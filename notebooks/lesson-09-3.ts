/**
 * The LSTM and GRU lesson (chapter 9-3), cell by cell, in English and Korean: an LSTM after an
 * Embedding, with dropout, two stacked, a GRU, and the best checkpoint evaluated on the test set.
 * `npm run notebooks:build -- --lesson 09-3` writes `notebooks/{en,ko}/09-3-lstm-gru.ipynb`.
 * Like 9-2 it needs the real `imdb.npz`.
 */
import { md, py, type LessonCell } from "./lesson";
import { IMDB_NOTE } from "./lesson-09-2";

const PY_LOAD = py(`
from tensorflow.keras.datasets import imdb
from sklearn.model_selection import train_test_split
(train_input, train_target), (test_input, test_target) = imdb.load_data(
    num_words=500)
train_input, val_input, train_target, val_target = train_test_split(
    train_input, train_target, test_size=0.2, random_state=42)
`);
const PY_PAD = py(`
from tensorflow.keras.preprocessing.sequence import pad_sequences
train_seq = pad_sequences(train_input, maxlen=100)
val_seq = pad_sequences(val_input, maxlen=100)
`);
const PY_LSTM = py(`
from tensorflow import keras
model = keras.Sequential()
model.add(keras.layers.Embedding(500, 16, input_length=100))
model.add(keras.layers.LSTM(8))
model.add(keras.layers.Dense(1, activation='sigmoid'))
model.summary()
`);
const pyFit = (model: string, file: string): string =>
  py(`
rmsprop = keras.optimizers.RMSprop(learning_rate=1e-4)
${model}.compile(optimizer=rmsprop, loss='binary_crossentropy',
${" ".repeat(model.length)}         metrics=['accuracy'])
checkpoint_cb = keras.callbacks.ModelCheckpoint('${file}',
                                                save_best_only=True)
early_stopping_cb = keras.callbacks.EarlyStopping(patience=3,
                                                  restore_best_weights=True)
history = ${model}.fit(train_seq, train_target, epochs=100, batch_size=64,
${" ".repeat(model.length)}          validation_data=(val_seq, val_target),
${" ".repeat(model.length)}          callbacks=[checkpoint_cb, early_stopping_cb])
`);
const PY_CURVES = py(`
import matplotlib.pyplot as plt
plt.plot(history.history['loss'])
plt.plot(history.history['val_loss'])
plt.xlabel('epoch')
plt.ylabel('loss')
plt.legend(['train', 'val'])
plt.show()
`);
const PY_DROPOUT = py(`
model2 = keras.Sequential()
model2.add(keras.layers.Embedding(500, 16, input_length=100))
model2.add(keras.layers.LSTM(8, dropout=0.3))
model2.add(keras.layers.Dense(1, activation='sigmoid'))
`);
const PY_2RNN = py(`
model3 = keras.Sequential()
model3.add(keras.layers.Embedding(500, 16, input_length=100))
model3.add(keras.layers.LSTM(8, dropout=0.3, return_sequences=True))
model3.add(keras.layers.LSTM(8, dropout=0.3))
model3.add(keras.layers.Dense(1, activation='sigmoid'))
model3.summary()
`);
const PY_GRU = py(`
model4 = keras.Sequential()
model4.add(keras.layers.Embedding(500, 16, input_length=100))
model4.add(keras.layers.GRU(8))
model4.add(keras.layers.Dense(1, activation='sigmoid'))
model4.summary()
`);
const PY_TEST = py(`
test_seq = pad_sequences(test_input, maxlen=100)
rnn_model = keras.models.load_model('best-2rnn-model.h5')
rnn_model.evaluate(test_seq, test_target)
`);

/** The book's training cell for one model and its checkpoint file (suffix: this cell's names). */
const fit = (model: string, file: string, n: string): LessonCell => ({
  code: `const rmsprop${n} = keras.optimizers.RMSprop({ learningRate: 1e-4 });
${model}.compile({ optimizer: rmsprop${n}, loss: "binary_crossentropy", metrics: ["accuracy"] });
const checkpointCb${n} = new ModelCheckpoint("${file}", { saveBestOnly: true });
const earlyStoppingCb${n} = new EarlyStopping({ patience: 3, restoreBestWeights: true });
const history${n} = await ${model}.fit(trainSeq, trainTarget, {
  epochs: EPOCHS, batchSize: 64, verbose: 0,
  validationData: [valSeq, valTarget],
  callbacks: [checkpointCb${n}, earlyStoppingCb${n}],
});
({ stoppedEpoch: earlyStoppingCb${n}.stoppedEpoch, bestEpoch: earlyStoppingCb${n}.bestEpoch })`,
});

const curves = (n: string): LessonCell => ({
  code: `plt.plot(history${n}.history.loss);
plt.plot(history${n}.history.val_loss);
plt.xlabel("epoch");
plt.ylabel("loss");
plt.legend(["train", "val"]);
plt.show();`,
});

export const LESSON_09_3: LessonCell[] = [
  md(
    `# 9-3 LSTM and GRU cells — in TypeScript

A SimpleRNN forgets quickly: what it read 50 words ago has been multiplied into its state 50 times. **LSTM** and **GRU** cells add gates that decide what to keep, so information can travel further along a review. This notebook follows the lesson step by step, with TensorFlow.js and \`tslab-dl\`:

1. **The data of 9-2**, with a vocabulary of 500 words
2. **An LSTM** after an Embedding layer
3. **Dropout** inside the LSTM
4. **Two LSTM layers**, the first returning its whole sequence
5. **A GRU**
6. **The best model** reloaded from its checkpoint and evaluated on the test set

${IMDB_NOTE.en}`,
    `# 9-3 LSTM과 GRU 셀 — TypeScript 버전

SimpleRNN은 금방 잊습니다. 50 단어 전에 읽은 내용은 상태에 50번이나 곱해진 뒤입니다. **LSTM**과 **GRU** 셀은 무엇을 남길지 정하는 게이트를 더해서, 정보가 리뷰를 따라 더 멀리 전달되게 합니다. 이 노트북은 강의를 TensorFlow.js와 \`tslab-dl\`로 한 단계씩 따라갑니다.

1. 어휘 사전을 500 단어로 늘린 **9-2의 데이터**
2. 임베딩 층 다음의 **LSTM**
3. LSTM 안의 **드롭아웃**
4. 전체 시퀀스를 넘기는 LSTM을 포함한 **LSTM 층 두 개**
5. **GRU**
6. 체크포인트에서 다시 읽은 **가장 좋은 모델**을 테스트 세트로 평가

${IMDB_NOTE.ko}`,
  ),
  md(
    `## Setting up and the data

The same import and seed as in 9-2, and the same steps: \`loadImdb\` with \`numWords: 500\`, 20% of the training set for validation, every review padded or cut to 100 words.`,
    `## 준비와 데이터

9-2와 같은 import와 시드, 같은 단계입니다. \`numWords: 500\`으로 \`loadImdb\`를 부르고, 훈련 세트의 20%를 검증 세트로 떼어 두고, 리뷰를 모두 100 단어로 맞춥니다.`,
    PY_LOAD,
  ),
  {
    code: `import {
  keras, init, setRandomSeed, loadImdb, trainTestSplit, padSequences,
  EarlyStopping, ModelCheckpoint, loadModel, plt, evaluate,
} from "tslab-dl";

await init();
setRandomSeed(42);
const EPOCHS = Number(process.env.TSLAB_DL_LESSON_EPOCHS ?? 100);
const [[trainInputAll, trainTargetAll], [testInput, testTarget]] = await loadImdb({ numWords: 500 });
const [trainInput, valInput, trainTarget, valTarget] = trainTestSplit(
  trainInputAll, trainTargetAll, { testSize: 0.2, randomState: 42 });`,
  },
  md(``, ``, PY_PAD),
  {
    code: `const trainSeq = padSequences(trainInput, { maxlen: 100 });
const valSeq = padSequences(valInput, { maxlen: 100 });`,
  },
  md(
    `## An LSTM

An LSTM cell keeps two states, the hidden state and a **cell state**, and has four small networks inside: the forget, input and output gates and the candidate. Each has 16 × 8 input weights, 8 × 8 recurrent weights and 8 biases: 4 × 200 = 800 parameters.

\`keras.layers.LSTM\` is the cell Keras builds: its gates use the \`sigmoid\` (tfjs's own \`tf.layers.lstm\` defaults to \`hardSigmoid\`, a piecewise-linear approximation), its forget gate starts with a bias of 1, and it saves and loads as Keras's \`LSTM\`.`,
    `## LSTM 신경망

LSTM 셀은 은닉 상태와 **셀 상태**, 두 가지 상태를 유지하고, 안에 작은 신경망 네 개가 있습니다. 삭제 게이트, 입력 게이트, 출력 게이트, 그리고 후보 값입니다. 각각 입력 가중치 16 × 8개, 순환 가중치 8 × 8개, 절편 8개를 가지므로 모두 4 × 200 = 800개의 파라미터입니다.

\`keras.layers.LSTM\`은 Keras가 만드는 셀과 같습니다. 게이트는 \`sigmoid\`를 쓰고(tfjs의 \`tf.layers.lstm\`은 기본값이 구간별 선형 근사인 \`hardSigmoid\`입니다), 삭제 게이트의 절편은 1에서 시작하며, Keras의 \`LSTM\`으로 저장하고 읽습니다.`,
    PY_LSTM,
  ),
  {
    code: `const model = keras.Sequential();
model.add(keras.layers.Embedding(500, 16, { inputLength: 100 }));
model.add(keras.layers.LSTM(8));
model.add(keras.layers.Dense(1, { activation: "sigmoid" }));
model`,
  },
  md(
    `Training as in 9-2: RMSprop at 1e-4, batches of 64, up to \`EPOCHS\` (the book's 100) epochs, the best model kept in \`best-lstm-model.h5\`, stopping after 3 epochs without progress. The cell ends with where training stopped.`,
    `9-2와 같이 훈련합니다. 학습률 1e-4의 RMSprop, 배치 크기 64, 최대 \`EPOCHS\`(책은 100) 에포크, 가장 좋은 모델은 \`best-lstm-model.h5\`에 남기고, 3 에포크 동안 나아지지 않으면 멈춥니다. 셀의 마지막에 훈련이 멈춘 곳을 출력합니다.`,
    pyFit("model", "best-lstm-model.h5"),
  ),
  fit("model", "best-lstm-model.h5", ""),
  md(
    `The loss curves: the LSTM reaches a lower validation loss than the SimpleRNN of 9-2.`,
    `손실 곡선입니다. LSTM은 9-2의 SimpleRNN보다 낮은 검증 손실에 이릅니다.`,
    PY_CURVES,
  ),
  curves(""),
  md(
    `## Dropout in a recurrent layer

A recurrent layer has its own \`dropout\` option: it drops parts of each step's input while training (the same parts at every step of a sequence). \`dropout: 0.3\` as in the book.`,
    `## 순환층에 드롭아웃 적용하기

순환층에는 자체 \`dropout\` 옵션이 있습니다. 훈련하는 동안 각 타임스텝의 입력 일부를 끕니다(한 시퀀스 안에서는 모든 타임스텝에서 같은 부분입니다). 책과 같이 \`dropout: 0.3\`입니다.`,
    PY_DROPOUT,
  ),
  {
    code: `const model2 = keras.Sequential();
model2.add(keras.layers.Embedding(500, 16, { inputLength: 100 }));
model2.add(keras.layers.LSTM(8, { dropout: 0.3 }));
model2.add(keras.layers.Dense(1, { activation: "sigmoid" }));`,
  },
  md(
    `The same training, into \`best-dropout-model.h5\`.`,
    `같은 방법으로 훈련하고 \`best-dropout-model.h5\`에 남깁니다.`,
    pyFit("model2", "best-dropout-model.h5"),
  ),
  fit("model2", "best-dropout-model.h5", "2"),
  md(
    `With dropout the training and validation losses stay closer together.`,
    `드롭아웃을 쓰면 훈련 손실과 검증 손실의 차이가 작게 유지됩니다.`,
    PY_CURVES,
  ),
  curves("2"),
  md(
    `## Two stacked LSTM layers

To put a recurrent layer on another, the first must hand on its state at **every** step, not only the last: \`returnSequences: true\`. The summary shows its output \`[null, 100, 8]\`, against \`[null, 8]\` for the second.`,
    `## 2개의 층을 연결하기

순환층을 쌓으려면 앞의 층이 마지막 타임스텝만이 아니라 **모든** 타임스텝의 상태를 넘겨야 합니다. \`returnSequences: true\`입니다. 요약을 보면 첫 번째 층의 출력은 \`[null, 100, 8]\`, 두 번째 층은 \`[null, 8]\`입니다.`,
    PY_2RNN,
  ),
  {
    code: `const model3 = keras.Sequential();
model3.add(keras.layers.Embedding(500, 16, { inputLength: 100 }));
model3.add(keras.layers.LSTM(8, { dropout: 0.3, returnSequences: true }));
model3.add(keras.layers.LSTM(8, { dropout: 0.3 }));
model3.add(keras.layers.Dense(1, { activation: "sigmoid" }));
model3`,
  },
  md(
    `Trained the same way, into \`best-2rnn-model.h5\`: the model evaluated on the test set at the end.`,
    `같은 방법으로 훈련하고 \`best-2rnn-model.h5\`에 남깁니다. 마지막에 테스트 세트로 평가할 모델입니다.`,
    pyFit("model3", "best-2rnn-model.h5"),
  ),
  fit("model3", "best-2rnn-model.h5", "3"),
  md(``, ``, PY_CURVES),
  curves("3"),
  md(
    `## A GRU

A GRU cell has one state and three small networks (update gate, reset gate, candidate), so fewer parameters than an LSTM. Keras's GRU applies the reset gate **after** multiplying by the recurrent weights (\`reset_after=True\`, Keras's default since 2.x) and has two biases per gate; tfjs's own \`tf.layers.gru\` refuses that variant. \`keras.layers.GRU\` is Keras's GRU: 3 × (16 × 8 + 8 × 8 + 2 × 8) = 624 parameters, as in the book's summary, and it saves and loads as Keras's \`GRU\`.`,
    `## GRU 구조

GRU 셀은 상태가 하나이고 작은 신경망 세 개(업데이트 게이트, 리셋 게이트, 후보 값)로 되어 있어서 LSTM보다 파라미터가 적습니다. Keras의 GRU는 순환 가중치를 곱한 **뒤에** 리셋 게이트를 적용하고(\`reset_after=True\`, 2.x부터 Keras의 기본값) 게이트마다 절편이 두 개입니다. tfjs의 \`tf.layers.gru\`는 이 방식을 지원하지 않습니다. \`keras.layers.GRU\`는 Keras의 GRU입니다. 파라미터는 책의 요약과 같이 3 × (16 × 8 + 8 × 8 + 2 × 8) = 624개이고, Keras의 \`GRU\`로 저장하고 읽습니다.`,
    PY_GRU,
  ),
  {
    code: `const model4 = keras.Sequential();
model4.add(keras.layers.Embedding(500, 16, { inputLength: 100 }));
model4.add(keras.layers.GRU(8));
model4.add(keras.layers.Dense(1, { activation: "sigmoid" }));
model4`,
  },
  md(
    `Trained the same way, into \`best-gru-model.h5\`.`,
    `같은 방법으로 훈련하고 \`best-gru-model.h5\`에 남깁니다.`,
    pyFit("model4", "best-gru-model.h5"),
  ),
  fit("model4", "best-gru-model.h5", "4"),
  md(``, ``, PY_CURVES),
  curves("4"),
  md(
    `## The test set

The test reviews are padded the same way, and the two-layer LSTM is reloaded from its checkpoint with \`loadModel\` — the \`.h5\` file Keras would write — and evaluated: loss and accuracy on 25 000 reviews it has never seen.`,
    `## 테스트 세트

테스트 리뷰도 같은 방법으로 패딩하고, 두 층짜리 LSTM을 체크포인트에서 \`loadModel\`로 다시 읽어(Keras가 쓰는 것과 같은 \`.h5\` 파일입니다) 평가합니다. 한 번도 보지 못한 2만 5천 개 리뷰에서의 손실과 정확도입니다.`,
    PY_TEST,
  ),
  {
    code: `const testSeq = padSequences(testInput, { maxlen: 100 });
const rnnModel = await loadModel("best-2rnn-model.h5");
evaluate(rnnModel, testSeq, testTarget)`,
  },
  md(
    `## Summary

- \`keras.layers.LSTM\` is Keras's LSTM; \`dropout\` drops inputs inside the cell; \`returnSequences: true\` lets another recurrent layer follow.
- \`keras.layers.GRU\` is Keras's GRU (\`reset_after=True\`), which \`tf.layers.gru\` cannot build.
- \`ModelCheckpoint\` files reload with \`loadModel\` and evaluate on the test set, padded like the training set.`,
    `## 정리

- \`keras.layers.LSTM\`이 Keras의 LSTM입니다. \`dropout\`은 셀 안에서 입력을 끄고, \`returnSequences: true\`는 다음 순환층을 쌓을 수 있게 합니다.
- \`keras.layers.GRU\`는 \`tf.layers.gru\`가 만들 수 없는 Keras의 GRU(\`reset_after=True\`)입니다.
- \`ModelCheckpoint\` 파일은 \`loadModel\`로 다시 읽고, 훈련 세트처럼 패딩한 테스트 세트로 평가합니다.`,
  ),
];
