/**
 * The regularization lesson (chapter 7-3), cell by cell, in English and Korean.
 * `npm run notebooks:build` writes `notebooks/{en,ko}/07-3-regularization.ipynb`
 * from this file (without outputs); `npm run tutorial -- --update` executes
 * them and stores the outputs in place.
 *
 * Code cells are shared by both languages; comments inside them stay short and
 * language-neutral. Each markdown cell before a code cell whose Python original
 * is in the lesson shows that Python, so the two can be read side by side.
 */

/** One cell: code (shared), or markdown in both languages. */
export type LessonCell = { code: string } | { en: string; ko: string };

export const py = (code: string): string => "```python\n" + code.trim() + "\n```";

/** Markdown in both languages with the same Python listing (`py`) under each. */
export const md = (en: string, ko: string, python = ""): LessonCell => ({
  en: [en, python].filter(Boolean).join("\n\n"),
  ko: [ko, python].filter(Boolean).join("\n\n"),
});

/** The lesson's Python, shown above the TypeScript that does the same (both languages). */
const PY_LOAD = py(`
from tensorflow import keras
from sklearn.model_selection import train_test_split
(train_input, train_target), (test_input, test_target) = \\
    keras.datasets.fashion_mnist.load_data()
train_scaled = train_input / 255.0
train_scaled, val_scaled, train_target, val_target = train_test_split(
    train_scaled, train_target, test_size=0.2, random_state=42)
`);
const PY_MODEL_FN = py(`
def model_fn(a_layer=None):
    model = keras.Sequential()
    model.add(keras.layers.Flatten(input_shape=(28,28)))
    model.add(keras.layers.Dense(100, activation='relu'))
    if a_layer:
        model.add(a_layer)
    model.add(keras.layers.Dense(10, activation='softmax'))
    return model
`);
const PY_FIT5 = py(`
model = model_fn()
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy',
              metrics='accuracy')
history = model.fit(train_scaled, train_target, epochs=5, verbose=0)
print(history.history.keys())
`);
const PY_PLOT_LOSS = py(`
import matplotlib.pyplot as plt
plt.plot(history.history['loss'])
plt.xlabel('epoch')
plt.ylabel('loss')
plt.show()
`);
const PY_FIT20_VAL = py(`
model = model_fn()
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy',
              metrics='accuracy')
history = model.fit(train_scaled, train_target, epochs=20, verbose=0,
                    validation_data=(val_scaled, val_target))
`);
const PY_PLOT_TRAIN_VAL = py(`
plt.plot(history.history['loss'])
plt.plot(history.history['val_loss'])
plt.xlabel('epoch')
plt.ylabel('loss')
plt.legend(['train', 'val'])
plt.show()
`);
const PY_DROPOUT_SUMMARY = py(`
model = model_fn(keras.layers.Dropout(0.3))
model.summary()
`);
const PY_CALLBACKS = py(`
model = model_fn(keras.layers.Dropout(0.3))
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy',
              metrics='accuracy')
checkpoint_cb = keras.callbacks.ModelCheckpoint('best-model.h5',
                                                save_best_only=True)
early_stopping_cb = keras.callbacks.EarlyStopping(patience=2,
                                                  restore_best_weights=True)
history = model.fit(train_scaled, train_target, epochs=20, verbose=0,
                    validation_data=(val_scaled, val_target),
                    callbacks=[checkpoint_cb, early_stopping_cb])
`);
const PY_STOPPED_EPOCH = py(`
print(early_stopping_cb.stopped_epoch)
`);
const PY_EVALUATE = py(`
model.evaluate(val_scaled, val_target)
`);
const PY_SAVE = py(`
model.save_weights('model-weights.h5')
model.save('model-whole.h5')
`);
const PY_LS = py(`
!ls -al *.h5
`);
const PY_LOAD_WEIGHTS = py(`
model = model_fn(keras.layers.Dropout(0.3))
model.load_weights('model-weights.h5')
import numpy as np
val_labels = np.argmax(model.predict(val_scaled), axis=-1)
print(np.mean(val_labels == val_target))
`);
const PY_LOAD_MODEL = py(`
model = keras.models.load_model('model-whole.h5')
model.evaluate(val_scaled, val_target)
`);

export const LESSON: LessonCell[] = [
  {
    en: `# 7-3 Training deep networks well — in TypeScript

This notebook follows the Keras lesson on regularization step by step, with [TensorFlow.js](https://www.tensorflow.org/js) and the \`tslab-dl\` library:

1. **Validation loss** — passing \`validationData\` to \`fit\`
2. **Loss curves** — the \`History\` object that \`fit\` returns
3. **Dropout** — switching neurons off at random while training
4. **Callbacks** — \`ModelCheckpoint\` keeps the best model
5. **Early stopping** — \`EarlyStopping\` with \`patience\` and \`restoreBestWeights\`
6. **Saving and restoring** models and weights as Keras \`.h5\` files

Each step shows the lesson's Python first, then the TypeScript that does the same. Charts are drawn with Plotly; a picture of each chart is stored with it, so it shows on GitHub and in untrusted notebooks too.`,
    ko: `# 7-3 심층 신경망 훈련하기 — TypeScript 버전

이 노트북은 규제(regularization)에 관한 Keras 강의를 [TensorFlow.js](https://www.tensorflow.org/js)와 \`tslab-dl\` 라이브러리로 한 단계씩 따라갑니다.

1. **검증 손실** — \`fit\`에 \`validationData\` 넘기기
2. **손실 곡선** — \`fit\`이 돌려주는 \`History\` 객체
3. **드롭아웃** — 훈련하는 동안 뉴런을 무작위로 끄기
4. **콜백** — 가장 좋은 모델을 남기는 \`ModelCheckpoint\`
5. **조기 종료** — \`patience\`와 \`restoreBestWeights\`를 쓰는 \`EarlyStopping\`
6. **저장과 복원** — Keras \`.h5\` 파일로 모델과 가중치 다루기

단계마다 강의의 Python 코드를 먼저 보여 주고, 같은 일을 하는 TypeScript 코드를 이어서 실행합니다. 그래프는 Plotly로 그리며, 그래프마다 정적인 그림도 함께 저장되어 GitHub이나 신뢰하지 않은(untrusted) 노트북에서도 보입니다.`,
  },
  {
    en: `## Setting up

One import brings everything: \`keras\` builds models as Keras does (Keras's layer names, initial weights and defaults), \`tf\` is the TensorFlow.js namespace. \`init()\` picks the fastest backend this machine has (native TensorFlow, else WebAssembly) and prints it. \`setRandomSeed(42)\` plays the part of \`keras.utils.set_random_seed(42)\`: initial weights, Dropout and shuffling repeat from run to run.`,
    ko: `## 준비

import 한 줄로 필요한 것을 모두 가져옵니다. \`keras\`는 케라스처럼(케라스의 층 이름, 초기 가중치, 기본값으로) 모델을 만들고, \`tf\`는 TensorFlow.js 네임스페이스입니다. \`init()\`은 이 컴퓨터에서 가장 빠른 백엔드(네이티브 TensorFlow, 없으면 WebAssembly)를 골라 출력합니다. \`setRandomSeed(42)\`는 \`keras.utils.set_random_seed(42)\`와 같은 역할을 합니다. 초기 가중치, 드롭아웃, 데이터 섞기가 실행할 때마다 똑같이 반복됩니다.`,
  },
  {
    code: `import {
  keras, tf, init, setRandomSeed, loadFashionMnist, trainTestSplit,
  EarlyStopping, ModelCheckpoint, LivePlot, plt,
  saveWeights, loadWeights, saveModel, loadModel, evaluate,
} from "tslab-dl";

await init();
setRandomSeed(42);`,
  },
  {
    en: `## Loading Fashion-MNIST

The lesson skips this step; it is the usual one from the previous chapters. \`loadFashionMnist()\` returns the same four arrays as Keras's \`load_data()\` (it reads Debian's \`dataset-fashion-mnist\` or the Keras cache, or downloads the files and checks them). We scale pixels to [0, 1] and keep 20% of the training set aside for validation. \`trainTestSplit\` with \`randomState: 42\` picks exactly the rows that scikit-learn's \`random_state=42\` picks.

${PY_LOAD}`,
    ko: `## Fashion-MNIST 불러오기

강의에서는 생략했지만, 앞 장에서 하던 그대로입니다. \`loadFashionMnist()\`는 Keras의 \`load_data()\`와 같은 배열 네 개를 돌려줍니다(데비안의 \`dataset-fashion-mnist\`나 Keras 캐시에서 읽고, 없으면 내려받아 검증합니다). 픽셀 값을 0~1로 바꾸고, 훈련 세트의 20%를 검증 세트로 떼어 둡니다. \`randomState: 42\`로 나누면 scikit-learn에서 \`random_state=42\`로 나눈 것과 정확히 같은 샘플이 뽑힙니다.

${PY_LOAD}`,
  },
  {
    code: `const [[trainInput, trainTargetAll], [testInput, testTarget]] = await loadFashionMnist();
const [trainScaled, valScaled, trainTarget, valTarget] = trainTestSplit(
  trainInput.div(255), trainTargetAll, { testSize: 0.2, randomState: 42 });
console.log("train:", trainScaled.shape, trainTarget.shape);
console.log("validation:", valScaled.shape, valTarget.shape);`,
  },
  {
    en: `## A function that builds the model

Every experiment below starts from a fresh model, so we write a function that builds one. The optional \`aLayer\` is inserted after the hidden layer; later it will be a Dropout layer.

${PY_MODEL_FN}`,
    ko: `## 모델을 만드는 함수

아래의 실험은 모두 새 모델에서 시작하므로, 모델을 만드는 함수를 하나 둡니다. 선택 인자 \`aLayer\`를 주면 은닉층 뒤에 끼워 넣습니다. 나중에 여기에 드롭아웃 층을 넣을 것입니다.

${PY_MODEL_FN}`,
  },
  {
    code: `function modelFn(aLayer?: tf.layers.Layer) {
  const model = keras.Sequential();
  model.add(keras.layers.Flatten({ inputShape: [28, 28] }));
  model.add(keras.layers.Dense(100, { activation: "relu" }));
  if (aLayer) model.add(aLayer);
  model.add(keras.layers.Dense(10, { activation: "softmax" }));
  return model;
}

modelFn()`,
  },
  {
    en: `## What \`fit\` returns: the History

\`fit\` returns a \`History\`. Its \`history\` field holds one number per epoch for the loss and for each metric. We train for 5 epochs with the **adam** optimizer, which adapts the step size of each weight and usually needs no tuning; the rest of the lesson uses it too. In this notebook a History draws itself as loss curves when it is a cell's last value.

${PY_FIT5}`,
    ko: `## \`fit\`이 돌려주는 것: History

\`fit\`은 \`History\` 객체를 돌려줍니다. \`history\` 속성에는 에포크마다 손실과 각 지표의 값이 하나씩 들어 있습니다. **adam** 옵티마이저로 5 에포크 훈련해 봅시다. adam은 가중치마다 학습률을 알아서 조절해 주어서 따로 손볼 일이 거의 없고, 이 강의의 나머지 부분에서도 계속 씁니다. 이 노트북에서는 셀의 마지막 값이 History이면 손실 곡선이 그려집니다.

${PY_FIT5}`,
  },
  {
    code: `const model = modelFn();
model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
const history = await model.fit(trainScaled, trainTarget, { epochs: 5, verbose: 0 });
console.log(Object.keys(history.history));
history`,
  },
  {
    en: `## Drawing the loss curve yourself

The same picture with the pyplot-shaped \`plt\`, line for line as in Python. TensorFlow.js names the accuracy metric \`acc\`; \`tslab-dl\` accepts both \`acc\` and \`accuracy\`.

${PY_PLOT_LOSS}`,
    ko: `## 손실 곡선 직접 그리기

같은 그림을 pyplot 모양의 \`plt\`로 Python과 한 줄씩 똑같이 그려 봅니다. TensorFlow.js는 정확도 지표를 \`acc\`라고 부르는데, \`tslab-dl\`은 \`acc\`와 \`accuracy\`를 모두 받아들입니다.

${PY_PLOT_LOSS}`,
  },
  {
    code: `plt.plot(history.history.loss);
plt.xlabel("epoch");
plt.ylabel("loss");
plt.show();`,
  },
  {
    en: `## Validation loss: seeing overfitting

The training loss keeps going down the longer we train, but that alone says nothing about new data. Passing the validation set as \`validationData\` makes \`fit\` compute the validation loss after every epoch. Here we train for 20 epochs; \`LivePlot\` shows a progress bar and redraws the curves after each epoch.

${PY_FIT20_VAL}`,
    ko: `## 검증 손실로 과대적합 확인하기

훈련 손실은 오래 훈련할수록 계속 줄어들지만, 그것만으로는 새로운 데이터에서 어떨지 알 수 없습니다. 검증 세트를 \`validationData\`로 넘기면 \`fit\`이 에포크가 끝날 때마다 검증 손실도 계산합니다. 20 에포크를 훈련해 봅시다. \`LivePlot\`이 진행 막대를 보여 주고 에포크마다 곡선을 다시 그립니다.

${PY_FIT20_VAL}`,
  },
  {
    code: `const model = modelFn();
model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
const history = await model.fit(trainScaled, trainTarget, {
  epochs: 20, verbose: 0,
  validationData: [valScaled, valTarget],
  callbacks: [new LivePlot()],
});`,
  },
  {
    en: `The training loss falls steadily, while the validation loss stops improving after a few epochs and then creeps up: the model starts to memorise the training set. That gap is **overfitting**. The next sections fight it.

${PY_PLOT_TRAIN_VAL}`,
    ko: `훈련 손실은 꾸준히 내려가지만 검증 손실은 몇 에포크 뒤에 더 나아지지 않고 오히려 조금씩 올라갑니다. 모델이 훈련 세트를 외우기 시작한 것이고, 이 차이가 바로 **과대적합**입니다. 다음 절부터 이것을 줄여 봅니다.

${PY_PLOT_TRAIN_VAL}`,
  },
  {
    code: `plt.plot(history.history.loss);
plt.plot(history.history.val_loss);
plt.xlabel("epoch");
plt.ylabel("loss");
plt.legend(["train", "val"]);
plt.show();`,
  },
  {
    en: `## Dropout

While training, a Dropout layer sets a random fraction of the previous layer's outputs to zero (here 30%) at every step. No neuron can count on any particular other neuron being there, so the network learns redundant, sturdier features instead of memorising.

The summary shows two things about Dropout: it has **no parameters** to train, and its output has **the same shape** as its input — it zeroes values, it does not remove them.

${PY_DROPOUT_SUMMARY}`,
    ko: `## 드롭아웃

드롭아웃 층은 훈련하는 동안 매 단계마다 앞 층 출력의 일부(여기서는 30%)를 무작위로 0으로 만듭니다. 어떤 뉴런도 특정 뉴런이 늘 있으리라 기대할 수 없으니, 신경망은 훈련 세트를 외우는 대신 여러 뉴런에 나누어진 튼튼한 특성을 배웁니다.

요약표에서 드롭아웃에 관해 두 가지를 볼 수 있습니다. 훈련할 **파라미터가 없고**, 출력의 **크기가 입력과 같습니다**. 값을 0으로 만들 뿐 없애지는 않기 때문입니다.

${PY_DROPOUT_SUMMARY}`,
  },
  {
    code: `const model = modelFn(keras.layers.Dropout(0.3));
model`,
  },
  {
    en: `Dropout only acts while training. When we evaluate or predict, every neuron is used — TensorFlow.js, like Keras, turns Dropout off by itself. Predicting the same image twice therefore gives exactly the same answer:`,
    ko: `드롭아웃은 훈련할 때만 작동합니다. 평가하거나 예측할 때는 모든 뉴런을 써야 올바른 결과가 나오며, TensorFlow.js도 Keras처럼 이때 드롭아웃을 알아서 끕니다. 그래서 같은 이미지를 두 번 예측하면 결과가 정확히 같습니다.`,
  },
  {
    code: `const model = modelFn(keras.layers.Dropout(0.3));
const image = valScaled.slice(0, 1);
const first = model.predict(image);
const second = model.predict(image);
first.equal(second).all().dataSync()[0] === 1`,
  },
  {
    en: `## Callbacks, ModelCheckpoint and early stopping

A **callback** is an object that \`fit\` calls during training, passed in the \`callbacks\` list.

- \`ModelCheckpoint("best-model.h5", { saveBestOnly: true })\` saves the model whenever the validation loss reaches a new low, so the file always holds the best model seen so far. The file is a Keras HDF5 file that Python's \`keras.models.load_model\` can open.
- \`EarlyStopping({ patience: 2, restoreBestWeights: true })\` stops training once the validation loss has failed to improve for 2 epochs in a row, then puts back the weights from the best epoch. Stopping early saves time, and because it ends training before overfitting grows, it also acts as a regularizer.

${PY_CALLBACKS}`,
    ko: `## 콜백, ModelCheckpoint, 조기 종료

**콜백**은 훈련 도중에 \`fit\`이 불러 주는 객체로, \`callbacks\` 리스트에 담아 전달합니다.

- \`ModelCheckpoint("best-model.h5", { saveBestOnly: true })\`는 검증 손실이 가장 낮아질 때마다 모델을 저장합니다. 그래서 파일에는 언제나 지금까지 가장 좋았던 모델이 들어 있습니다. 이 파일은 Python의 \`keras.models.load_model\`로도 열 수 있는 Keras HDF5 파일입니다.
- \`EarlyStopping({ patience: 2, restoreBestWeights: true })\`는 검증 손실이 2 에포크 연속으로 나아지지 않으면 훈련을 멈추고, 가장 좋았던 에포크의 가중치로 되돌립니다. 일찍 멈추면 시간이 절약되고, 과대적합이 커지기 전에 훈련을 끝내므로 규제의 한 방법이기도 합니다.

${PY_CALLBACKS}`,
  },
  {
    code: `const model = modelFn(keras.layers.Dropout(0.3));
model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
const checkpointCb = new ModelCheckpoint("best-model.h5", { saveBestOnly: true });
const earlyStoppingCb = new EarlyStopping({ patience: 2, restoreBestWeights: true });
const history = await model.fit(trainScaled, trainTarget, {
  epochs: 20, verbose: 0,
  validationData: [valScaled, valTarget],
  callbacks: [checkpointCb, earlyStoppingCb, new LivePlot()],
});`,
  },
  {
    en: `### When did training stop?

\`stoppedEpoch\` counts from 0, as in Keras: a value of \`n\` means training stopped after epoch \`n + 1\`. With \`patience: 2\`, the two epochs before it brought no improvement, so the best epoch is \`bestEpoch\`, two earlier.

${PY_STOPPED_EPOCH}`,
    ko: `### 몇 번째 에포크에서 멈췄을까?

\`stoppedEpoch\`는 Keras처럼 0부터 셉니다. 값이 \`n\`이면 \`n + 1\`번째 에포크를 마치고 멈췄다는 뜻입니다. \`patience: 2\`이므로 마지막 두 에포크에서는 나아진 것이 없었고, 가장 좋았던 에포크는 그보다 두 에포크 앞인 \`bestEpoch\`입니다.

${PY_STOPPED_EPOCH}`,
  },
  {
    code: `({ stoppedEpoch: earlyStoppingCb.stoppedEpoch, bestEpoch: earlyStoppingCb.bestEpoch })`,
  },
  {
    en: `### The loss curves with Dropout and early stopping

Compared with the curves above, the validation loss now stays close to the training loss, and training ends around the point where it stops improving.

${PY_PLOT_TRAIN_VAL}`,
    ko: `### 드롭아웃과 조기 종료를 적용한 손실 곡선

위의 곡선과 비교하면 검증 손실이 훈련 손실에 가깝게 유지되고, 검증 손실이 더 나아지지 않는 지점 근처에서 훈련이 끝납니다.

${PY_PLOT_TRAIN_VAL}`,
  },
  {
    code: `plt.plot(history.history.loss);
plt.plot(history.history.val_loss);
plt.xlabel("epoch");
plt.ylabel("loss");
plt.legend(["train", "val"]);
plt.show();`,
  },
  {
    en: `The restored model's score on the validation set: these are the best epoch's weights.

${PY_EVALUATE}`,
    ko: `복원된 모델의 검증 세트 점수입니다. 가장 좋았던 에포크의 가중치입니다.

${PY_EVALUATE}`,
  },
  {
    code: `evaluate(model, valScaled, valTarget)`,
  },
  {
    en: `## Saving and restoring models

- \`saveWeights(model, path)\` saves only the trained parameters; \`loadWeights(model, path)\` puts them into a model of the same architecture.
- \`saveModel(model, path)\` saves the architecture and the parameters (and the optimizer's state); \`loadModel(path)\` rebuilds the model from the file alone.

A path ending in \`.h5\` means the Keras HDF5 format, exactly as in Keras, so these files open in Python too. (\`.keras\`, \`.weights.h5\` and TensorFlow.js folders work as well.)

${PY_SAVE}`,
    ko: `## 모델 저장과 복원

- \`saveWeights(model, path)\`는 훈련된 파라미터만 저장하고, \`loadWeights(model, path)\`는 구조가 같은 모델에 그 파라미터를 넣습니다.
- \`saveModel(model, path)\`는 모델 구조와 파라미터(그리고 옵티마이저 상태)를 함께 저장하고, \`loadModel(path)\`는 파일만으로 모델을 다시 만듭니다.

경로가 \`.h5\`로 끝나면 Keras와 똑같이 HDF5 형식으로 저장하므로, 이 파일들은 Python에서도 열립니다. (\`.keras\`, \`.weights.h5\`, TensorFlow.js 폴더 형식도 쓸 수 있습니다.)

${PY_SAVE}`,
  },
  {
    code: `await saveWeights(model, "model-weights.h5");
await saveModel(model, "model-whole.h5");`,
  },
  {
    en: `A line that starts with \`!\` runs as a shell command in the notebook's folder, as in IPython. Three files are there: the checkpoint from training and the two we just saved.

${PY_LS}`,
    ko: `IPython처럼 \`!\`로 시작하는 줄은 노트북이 있는 폴더에서 셸 명령으로 실행됩니다. 훈련 중에 저장된 체크포인트와 방금 저장한 두 파일이 보입니다.

${PY_LS}`,
  },
  { code: `!ls -al *.h5` },
  {
    en: `### Loading the weights into a new model

We build a fresh model with the same architecture, load the saved weights, and measure accuracy by hand: the predicted class is the index of the largest of the 10 probabilities.

${PY_LOAD_WEIGHTS}`,
    ko: `### 새 모델에 가중치 불러오기

구조가 같은 새 모델을 만들고 저장한 가중치를 불러온 다음, 정확도를 직접 계산합니다. 10개의 확률 중 가장 큰 값의 인덱스가 예측한 클래스입니다.

${PY_LOAD_WEIGHTS}`,
  },
  {
    code: `const model = modelFn(keras.layers.Dropout(0.3));
await loadWeights(model, "model-weights.h5");
const valLabels = model.predict(valScaled).argMax(-1);
valLabels.equal(valTarget.cast("int32")).cast("float32").mean().dataSync()[0]`,
  },
  {
    en: `### Loading the whole model

\`loadModel\` needs no code that builds the model: the architecture comes from the file, and the model comes back compiled, ready to evaluate. It scores the same as the model we saved.

${PY_LOAD_MODEL}`,
    ko: `### 모델 전체 불러오기

\`loadModel\`에는 모델을 만드는 코드가 필요 없습니다. 구조를 파일에서 읽고, 컴파일된 상태로 돌려주므로 바로 평가할 수 있습니다. 저장하기 전의 모델과 점수가 같습니다.

${PY_LOAD_MODEL}`,
  },
  {
    code: `const model = await loadModel("model-whole.h5");
evaluate(model, valScaled, valTarget)`,
  },
  {
    en: `The checkpoint that \`ModelCheckpoint\` wrote during training holds the same best epoch, so it scores the same too.`,
    ko: `훈련 중에 \`ModelCheckpoint\`가 저장한 체크포인트에도 같은 최상의 에포크가 들어 있으므로 점수도 같습니다.`,
  },
  {
    code: `const best = await loadModel("best-model.h5");
evaluate(best, valScaled, valTarget)`,
  },
  {
    en: `### Optional: browse the model's predictions

With a widget front end (Jupyter Notebook, JupyterLab, VS Code) the slider below moves through the first 100 validation images and shows each one beside the probabilities the best model gives the ten classes (the true class is ticked). Where widgets cannot run (GitHub, an HTML export) the cell shows the first image only.`,
    ko: `### 선택: 모델의 예측 둘러보기

위젯을 지원하는 화면(Jupyter Notebook, JupyterLab, VS Code)에서는 아래 슬라이더로 검증 세트의 처음 100개 이미지를 넘기며, 각 이미지와 최상의 모델이 열 개 클래스에 매긴 확률을 나란히 볼 수 있습니다(정답 클래스에 체크 표시). 위젯이 동작하지 않는 곳(GitHub, HTML 내보내기)에서는 첫 이미지만 보입니다.`,
  },
  {
    code: `import { IntSlider, interact, predictionView } from "tslab-dl";
const classNames = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
const images = tf.unstack(valScaled.slice(0, 100));
const probabilities = tf.unstack(best.predict(valScaled.slice(0, 100)));
const targets = valTarget.slice(0, 100).dataSync();
interact(
  ({ i }) => predictionView(images[i], probabilities[i], { labels: classNames, target: targets[i] }),
  { i: new IntSlider({ value: 0, max: 99, description: "image" }) },
);`,
  },
  {
    en: `## Summary

- \`validationData\` makes \`fit\` report the validation loss; plotting it beside the training loss shows where overfitting starts.
- Dropout has no parameters and keeps the output shape; it acts only during training.
- \`ModelCheckpoint\` keeps the best model on disk; \`EarlyStopping\` ends training when the validation loss stops improving and restores the best weights.
- \`saveWeights\` / \`loadWeights\` and \`saveModel\` / \`loadModel\` write and read Keras \`.h5\` files that Python opens too.`,
    ko: `## 정리

- \`validationData\`를 주면 \`fit\`이 검증 손실을 알려 주고, 이를 훈련 손실과 나란히 그리면 과대적합이 시작되는 곳이 보입니다.
- 드롭아웃은 파라미터가 없고 출력 크기를 바꾸지 않으며, 훈련할 때만 작동합니다.
- \`ModelCheckpoint\`는 가장 좋은 모델을 파일로 남기고, \`EarlyStopping\`은 검증 손실이 나아지지 않으면 훈련을 멈추고 최상의 가중치를 되돌립니다.
- \`saveWeights\` / \`loadWeights\`와 \`saveModel\` / \`loadModel\`은 Python에서도 열리는 Keras \`.h5\` 파일을 쓰고 읽습니다.`,
  },
];
