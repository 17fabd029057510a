/**
 * A short notebook beyond the 7-3 lesson: ReduceLROnPlateau with EarlyStopping,
 * CSVLogger, and plotHistories comparing a model without and with Dropout, in English
 * and Korean. `node dist/notebooks/more-callbacks.js --build` writes
 * `notebooks/{en,ko}/more-callbacks.ipynb` (no outputs); `--update` executes them
 * (register the kernel in a private JUPYTER_DATA_DIR first) and stores the outputs.
 * Trainings use a quarter of the training set and few epochs: about a minute in all.
 */
import type { LessonCell } from "./lesson";

const py = (code: string): string => "```python\n" + code.trim() + "\n```";

const PY_PLATEAU = py(`
reduce_lr = keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=1, verbose=1)
early_stopping = keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)
csv_logger = keras.callbacks.CSVLogger('training-log.csv')
history = model.fit(train_scaled, train_target, epochs=20,
                    validation_data=(val_scaled, val_target),
                    callbacks=[reduce_lr, early_stopping, csv_logger])
`);

const PY_COMPARE = py(`
# TensorFlow's "Overfit and underfit" tutorial
plotter = tfdocs.plots.HistoryPlotter(metric='sparse_categorical_crossentropy')
plotter.plot({'no dropout': h1, 'dropout 0.3': h2})
`);

export const MORE_CALLBACKS: LessonCell[] = [
  {
    en: `# More callbacks: the learning rate, a training log, and comparing runs

The 7-3 lesson used two callbacks, \`EarlyStopping\` and \`ModelCheckpoint\`. This notebook adds three tools Keras users reach for next:

- \`ReduceLROnPlateau\` lowers the learning rate when the validation loss stops improving, and works together with \`EarlyStopping\`;
- \`CSVLogger\` writes one row per epoch to a CSV file that pandas (or any spreadsheet) reads;
- \`plotHistories\` draws several training runs in one chart, here a model without and with Dropout.

To keep it short, we train on a quarter of Fashion-MNIST's training set.`,
    ko: `# 콜백 더 알아보기: 학습률, 훈련 기록, 여러 훈련 비교

7-3 강의에서는 \`EarlyStopping\`과 \`ModelCheckpoint\` 두 콜백을 썼습니다. 이 노트북에서는 Keras 사용자가 그다음으로 찾는 도구 세 가지를 다룹니다.

- \`ReduceLROnPlateau\`는 검증 손실이 더 나아지지 않으면 학습률을 낮춥니다. \`EarlyStopping\`과 함께 쓸 수 있습니다.
- \`CSVLogger\`는 에포크마다 한 줄씩 CSV 파일에 기록합니다. pandas나 스프레드시트로 읽을 수 있습니다.
- \`plotHistories\`는 여러 훈련 결과를 한 그래프에 그립니다. 여기서는 드롭아웃이 없는 모델과 있는 모델을 비교합니다.

짧게 끝나도록 패션 MNIST 훈련 세트의 4분의 1만 사용합니다.`,
  },
  {
    code: `import {
  keras, tf, init, setRandomSeed, loadFashionMnist, trainTestSplit,
  EarlyStopping, ReduceLROnPlateau, CSVLogger, LivePlot, plotHistories, evaluate,
} from "tslab-dl";

await init();
setRandomSeed(42);

const [[trainInput, trainTargetAll]] = await loadFashionMnist();
const n = 15000; // a quarter of the training set
const [trainScaled, valScaled, trainTarget, valTarget] = trainTestSplit(
  trainInput.slice(0, n).div(255), trainTargetAll.slice(0, n), { testSize: 0.2, randomState: 42 });

function modelFn(aLayer?: tf.layers.Layer) {
  const model = keras.Sequential();
  model.add(keras.layers.Flatten({ inputShape: [28, 28] }));
  model.add(keras.layers.Dense(100, { activation: "relu" }));
  if (aLayer) model.add(aLayer);
  model.add(keras.layers.Dense(10, { activation: "softmax" }));
  return model;
}
trainScaled.shape`,
  },
  {
    en: `## ReduceLROnPlateau with EarlyStopping

\`ReduceLROnPlateau({ factor: 0.5, patience: 1 })\` halves the learning rate after each epoch in which the validation loss did not improve. \`EarlyStopping({ patience: 3 })\` stops when three epochs in a row bring no improvement, even with the lower rates, and puts back the best epoch's weights. \`CSVLogger\` records every epoch, the learning rate included; \`LivePlot\` shows the learning rate in a second panel once it changes.

${PY_PLATEAU}`,
    ko: `## ReduceLROnPlateau와 EarlyStopping 함께 쓰기

\`ReduceLROnPlateau({ factor: 0.5, patience: 1 })\`은 검증 손실이 나아지지 않은 에포크가 있을 때마다 학습률을 절반으로 줄입니다. \`EarlyStopping({ patience: 3 })\`은 학습률을 낮춰도 세 에포크 연속으로 나아지지 않으면 훈련을 멈추고, 가장 좋았던 에포크의 가중치로 되돌립니다. \`CSVLogger\`는 학습률을 포함해 모든 에포크를 기록하고, \`LivePlot\`은 학습률이 바뀌면 두 번째 그래프에 학습률을 그립니다.

${PY_PLATEAU}`,
  },
  {
    code: `const model = modelFn(keras.layers.Dropout(0.3));
model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
const reduceLr = new ReduceLROnPlateau({ factor: 0.5, patience: 1, verbose: 1 });
const earlyStopping = new EarlyStopping({ patience: 3, restoreBestWeights: true });
const csvLogger = new CSVLogger("training-log.csv");
const history = await model.fit(trainScaled, trainTarget, {
  epochs: 20, verbose: 0, validationData: [valScaled, valTarget],
  callbacks: [reduceLr, earlyStopping, csvLogger, new LivePlot({ title: "ReduceLROnPlateau + EarlyStopping" })],
});`,
  },
  {
    en: `The learning rate of each epoch is in the History as \`learning_rate\`, next to the losses. The evaluation shows the restored best epoch's loss and accuracy.`,
    ko: `각 에포크의 학습률은 손실 옆에 \`learning_rate\`로 History에 들어 있습니다. 평가 결과는 되돌린 최상의 에포크의 손실과 정확도입니다.`,
  },
  {
    code: `({ stoppedEpoch: earlyStopping.stoppedEpoch, bestEpoch: earlyStopping.bestEpoch, learningRates: history.history.learning_rate })`,
  },
  { code: `evaluate(model, valScaled, valTarget)` },
  {
    en: `## The CSV log

One row per epoch (counted from 0, as Keras does), the columns sorted by name. Each row is written to disk when its epoch ends, as a whole file replaced at once: a crash never leaves half a row. In Python, \`pd.read_csv("training-log.csv")\` reads it.`,
    ko: `에포크마다 한 줄씩(Keras처럼 0부터 셉니다) 기록하고, 열은 이름 순서로 놓입니다. 각 줄은 에포크가 끝날 때 파일 전체를 한 번에 바꾸는 방식으로 디스크에 쓰므로, 중간에 멈춰도 줄이 반쯤 쓰인 채 남지 않습니다. 파이썬에서는 \`pd.read_csv("training-log.csv")\`로 읽을 수 있습니다.`,
  },
  { code: `!cat training-log.csv` },
  {
    en: `## Comparing runs: without and with Dropout

We train the same model twice for 10 epochs from the same seed, once without and once with a Dropout layer, and draw both histories in one chart. Each run has its own colour; training curves are solid and validation curves dashed. Without Dropout the validation loss turns upward after a few epochs while the training loss keeps falling: overfitting. Dropout narrows the gap.

${PY_COMPARE}`,
    ko: `## 여러 훈련 비교: 드롭아웃이 없을 때와 있을 때

같은 모델을 같은 시드로 10 에포크씩 두 번 훈련합니다. 한 번은 드롭아웃 없이, 한 번은 드롭아웃 층을 넣어서 훈련하고, 두 History를 한 그래프에 그립니다. 훈련마다 색이 다르고, 훈련 손실은 실선, 검증 손실은 점선입니다. 드롭아웃이 없으면 훈련 손실은 계속 줄어드는데 검증 손실은 몇 에포크 뒤부터 다시 올라갑니다. 과대적합입니다. 드롭아웃을 넣으면 그 차이가 줄어듭니다.

${PY_COMPARE}`,
  },
  {
    code: `async function train(aLayer?: tf.layers.Layer): Promise<tf.History> {
  setRandomSeed(42);
  const m = modelFn(aLayer);
  m.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  return m.fit(trainScaled, trainTarget, {
    epochs: 10, verbose: 0, validationData: [valScaled, valTarget],
  });
}
const noDropout = await train();
const dropout = await train(keras.layers.Dropout(0.3));
plotHistories({ "no dropout": noDropout, "dropout 0.3": dropout }, { title: "Loss without and with Dropout" })`,
  },
  {
    en: `Only the validation loss, on a logarithmic axis:`,
    ko: `검증 손실만, 로그 축으로 그려 보겠습니다.`,
  },
  { code: `plotHistories({ "no dropout": noDropout, "dropout 0.3": dropout }, { keys: ["val_loss"], logY: true })` },
  {
    en: `## Summary

- \`ReduceLROnPlateau\` changes the optimizer's learning rate in place; the rate of each epoch lands in the History, the CSV log and LivePlot.
- \`EarlyStopping\` and \`ReduceLROnPlateau\` work together: the rate drops on short plateaus, and training stops when even that does not help.
- \`CSVLogger("file.csv", { append: true })\` continues a log, for instance when \`BackupAndRestore\` resumes an interrupted training.
- \`plotHistories({ a: h1, b: h2 })\` compares runs in one chart; \`evaluate(model, x, y)\` shows the loss and metrics as numbers.`,
    ko: `## 정리

- \`ReduceLROnPlateau\`는 옵티마이저의 학습률을 그 자리에서 바꿉니다. 에포크마다의 학습률은 History, CSV 기록, LivePlot에 남습니다.
- \`EarlyStopping\`과 \`ReduceLROnPlateau\`는 함께 동작합니다. 잠깐 정체되면 학습률을 낮추고, 그래도 나아지지 않으면 훈련을 멈춥니다.
- \`CSVLogger("file.csv", { append: true })\`는 기존 기록에 이어서 씁니다. 예를 들어 \`BackupAndRestore\`로 중단된 훈련을 이어 갈 때 씁니다.
- \`plotHistories({ a: h1, b: h2 })\`는 여러 훈련을 한 그래프로 비교하고, \`evaluate(model, x, y)\`는 손실과 지표를 숫자로 보여 줍니다.`,
  },
];
