/**
 * The convolutional-network lesson (chapter 8-2), cell by cell, in English and Korean:
 * the CNN on Fashion-MNIST, its diagram, training with callbacks, and predictions.
 * `npm run notebooks:build` writes `notebooks/{en,ko}/08-2-convolutional-network.ipynb`.
 * It leaves `best-cnn-model.h5` in the notebook's folder for lesson 8-3.
 */
import { md, py, type LessonCell } from "./lesson";

const PY_LOAD = py(`
from tensorflow import keras
from sklearn.model_selection import train_test_split
(train_input, train_target), (test_input, test_target) = \\
    keras.datasets.fashion_mnist.load_data()
train_scaled = train_input.reshape(-1, 28, 28, 1) / 255.0
train_scaled, val_scaled, train_target, val_target = train_test_split(
    train_scaled, train_target, test_size=0.2, random_state=42)
`);
const PY_MODEL = py(`
model = keras.Sequential()
model.add(keras.layers.Conv2D(32, kernel_size=3, activation='relu',
                              padding='same', input_shape=(28,28,1)))
model.add(keras.layers.MaxPooling2D(2))
model.add(keras.layers.Conv2D(64, kernel_size=(3,3), activation='relu',
                              padding='same'))
model.add(keras.layers.MaxPooling2D(2))
model.add(keras.layers.Flatten())
model.add(keras.layers.Dense(100, activation='relu'))
model.add(keras.layers.Dropout(0.4))
model.add(keras.layers.Dense(10, activation='softmax'))
model.summary()
`);
const PY_PLOT_MODEL = py(`
keras.utils.plot_model(model)
`);
const PY_PLOT_MODEL_SHAPES = py(`
keras.utils.plot_model(model, show_shapes=True,
                       to_file='cnn-architecture.png', dpi=300)
`);
const PY_FIT = py(`
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy',
              metrics='accuracy')
checkpoint_cb = keras.callbacks.ModelCheckpoint('best-cnn-model.h5',
                                                save_best_only=True)
early_stopping_cb = keras.callbacks.EarlyStopping(patience=2,
                                                  restore_best_weights=True)
history = model.fit(train_scaled, train_target, epochs=20,
                    validation_data=(val_scaled, val_target),
                    callbacks=[checkpoint_cb, early_stopping_cb])
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
const PY_EVALUATE = py(`
model.evaluate(val_scaled, val_target)
`);
const PY_IMSHOW = py(`
plt.imshow(val_scaled[0].reshape(28, 28), cmap='gray_r')
plt.show()
`);
const PY_PREDICT = py(`
preds = model.predict(val_scaled[0:1])
print(preds)
`);
const PY_BAR = py(`
plt.bar(range(1, 11), preds[0])
plt.xlabel('class')
plt.ylabel('prob.')
plt.show()
`);
const PY_CLASSES = py(`
classes = ['T-shirt', 'trousers', 'pullover', 'dress', 'coat',
           'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot']
import numpy as np
print(classes[np.argmax(preds)])
`);
const PY_TEST = py(`
test_scaled = test_input.reshape(-1, 28, 28, 1) / 255.0
model.evaluate(test_scaled, test_target)
`);

export const LESSON_08_2: LessonCell[] = [
  md(
    `# 8-2 A convolutional neural network for images — in TypeScript

In 7-3 a network of dense layers reached about 88% accuracy on Fashion-MNIST. Dense layers see an image as a flat row of 784 numbers: they do not know which pixels are neighbours. A **convolutional** layer slides small filters (here 3×3) over the image and looks at each neighbourhood in the same way, wherever it is. This notebook follows the lesson step by step, with TensorFlow.js and \`tslab-dl\`:

1. **Data in image shape** — \`[N, 28, 28, 1]\`: height, width and one colour channel
2. **The CNN** — two convolution + pooling blocks, then a dense classifier with Dropout
3. **Its diagram** — \`plotModel\`, the counterpart of \`keras.utils.plot_model\`
4. **Training** with \`ModelCheckpoint\` and \`EarlyStopping\`, as in 7-3
5. **Predicting** one image, with its class probabilities as a bar chart
6. **The test set**

The model this notebook saves, \`best-cnn-model.h5\`, is the starting point of lesson 8-3.`,
    `# 8-2 합성곱 신경망으로 이미지 분류하기 — TypeScript 버전

7-3에서 밀집층으로 만든 신경망은 패션 MNIST에서 약 88%의 정확도를 냈습니다. 밀집층은 이미지를 784개의 숫자가 한 줄로 늘어선 것으로 봅니다. 어느 픽셀이 이웃인지 모릅니다. **합성곱** 층은 작은 필터(여기서는 3×3)를 이미지 위로 밀면서, 위치와 상관없이 모든 이웃 영역을 같은 방식으로 살핍니다. 이 노트북은 강의를 TensorFlow.js와 \`tslab-dl\`로 한 단계씩 따라갑니다.

1. **이미지 모양의 데이터** — \`[N, 28, 28, 1]\`: 높이, 너비, 색 채널 하나
2. **합성곱 신경망** — 합성곱과 풀링 블록 두 개, 그리고 드롭아웃을 넣은 밀집층 분류기
3. **모델 그림** — \`keras.utils.plot_model\`에 해당하는 \`plotModel\`
4. **훈련** — 7-3처럼 \`ModelCheckpoint\`와 \`EarlyStopping\` 사용
5. **예측** — 이미지 하나와 그 클래스별 확률을 막대그래프로
6. **테스트 세트** 평가

이 노트북이 저장하는 모델 \`best-cnn-model.h5\`는 8-3 강의의 출발점입니다.`,
  ),
  md(
    `## Setting up

As in 7-3: one import, \`init()\` picks the backend, and \`setRandomSeed(42)\` makes initial weights, Dropout and shuffling repeat from run to run.`,
    `## 준비

7-3과 같습니다. import 한 줄, 백엔드를 고르는 \`init()\`, 그리고 초기 가중치와 드롭아웃, 데이터 섞기를 실행할 때마다 똑같이 만드는 \`setRandomSeed(42)\`입니다.`,
  ),
  {
    code: `import {
  keras, init, setRandomSeed, loadFashionMnist, trainTestSplit,
  EarlyStopping, ModelCheckpoint, LivePlot, plt, plotModel, evaluate,
} from "tslab-dl";

await init();
setRandomSeed(42);`,
  },
  md(
    `## Images as images

A convolutional layer expects each sample to be a 3-D array: height × width × channels. Fashion-MNIST is greyscale, so there is one channel: we reshape the 60 000 images from \`[60000, 28, 28]\` to \`[60000, 28, 28, 1]\`. Nothing moves in memory; only the shape changes. Then, as before, pixels are scaled to [0, 1] and 20% of the training set is kept for validation (the same rows as scikit-learn's \`random_state=42\`).`,
    `## 이미지를 이미지 모양 그대로

합성곱 층은 샘플 하나를 높이 × 너비 × 채널의 3차원 배열로 받습니다. 패션 MNIST는 흑백이라 채널이 하나이므로, 6만 개의 이미지를 \`[60000, 28, 28]\`에서 \`[60000, 28, 28, 1]\`로 바꿉니다. 메모리 속 값은 그대로이고 모양만 바뀝니다. 그다음은 이전과 같습니다. 픽셀 값을 0~1로 바꾸고, 훈련 세트의 20%를 검증 세트로 떼어 둡니다(scikit-learn의 \`random_state=42\`와 같은 샘플입니다).`,
    PY_LOAD,
  ),
  {
    code: `const [[trainInput, trainTargetAll], [testInput, testTarget]] = await loadFashionMnist();
const [trainScaled, valScaled, trainTarget, valTarget] = trainTestSplit(
  trainInput.reshape([-1, 28, 28, 1]).div(255), trainTargetAll, { testSize: 0.2, randomState: 42 });
console.log("train:", trainScaled.shape, trainTarget.shape);
console.log("validation:", valScaled.shape, valTarget.shape);`,
  },
  md(
    `## The convolutional network

- **Conv2D(32, 3×3, relu, same padding)**: 32 filters, each 3×3, slide over the image. \`padding: "same"\` adds a border of zeros so the output keeps the 28×28 size: 32 **feature maps** of 28×28.
- **MaxPooling2D(2)** keeps the largest value of each 2×2 block: the maps shrink to 14×14; the number of maps stays 32.
- A second **Conv2D** with 64 filters, each spanning all 32 maps below it, then pooling again: 64 maps of 7×7.
- **Flatten** turns the 7×7×64 = 3136 values into a row for the dense classifier: 100 relu units, **Dropout(0.4)**, and 10 softmax outputs.

The summary lists each layer's output shape (\`None\` is the batch size, not fixed yet) and its parameters. The first convolution has only 3×3×1×32 weights + 32 biases = 320 parameters: the same small filters are used at every position.`,
    `## 합성곱 신경망 만들기

- **Conv2D(32, 3×3, relu, same 패딩)**: 3×3 크기의 필터 32개가 이미지 위를 지나갑니다. \`padding: "same"\`은 가장자리에 0을 덧대어 출력 크기를 28×28로 유지합니다. 결과는 28×28 크기의 **특성 맵** 32개입니다.
- **MaxPooling2D(2)**는 2×2 영역마다 가장 큰 값만 남깁니다. 특성 맵은 14×14로 줄고, 개수는 32개 그대로입니다.
- 필터 64개짜리 두 번째 **Conv2D**(필터 하나가 아래층의 특성 맵 32개를 모두 봅니다)와 다시 풀링: 7×7 특성 맵 64개가 됩니다.
- **Flatten**은 7×7×64 = 3136개의 값을 한 줄로 펼쳐 밀집층 분류기에 넘깁니다. relu 유닛 100개, **Dropout(0.4)**, 소프트맥스 출력 10개입니다.

요약에는 층마다 출력 모양(\`None\`은 아직 정해지지 않은 배치 크기)과 파라미터 개수가 나옵니다. 첫 번째 합성곱 층의 파라미터는 3×3×1×32개의 가중치와 32개의 절편, 모두 320개뿐입니다. 같은 작은 필터를 모든 위치에서 쓰기 때문입니다.`,
    PY_MODEL,
  ),
  {
    code: `const model = keras.Sequential();
model.add(keras.layers.Conv2D(32, { kernelSize: 3, activation: "relu",
                                    padding: "same", inputShape: [28, 28, 1] }));
model.add(keras.layers.MaxPooling2D(2));
model.add(keras.layers.Conv2D(64, { kernelSize: [3, 3], activation: "relu",
                                    padding: "same" }));
model.add(keras.layers.MaxPooling2D(2));
model.add(keras.layers.Flatten());
model.add(keras.layers.Dense(100, { activation: "relu" }));
model.add(keras.layers.Dropout(0.4));
model.add(keras.layers.Dense(10, { activation: "softmax" }));
model`,
  },
  md(
    `## Drawing the model

\`plotModel\` draws the layers as boxes linked by arrows, like Keras's \`plot_model\` — without Graphviz: the SVG is drawn in Node. The first box is the input layer that the \`inputShape\` option created.`,
    `## 모델 그림 그리기

\`plotModel\`은 Keras의 \`plot_model\`처럼 층을 상자로 그리고 화살표로 잇습니다. Graphviz는 필요 없고, Node에서 SVG로 그립니다. 첫 번째 상자는 \`inputShape\` 옵션이 만든 입력층입니다.`,
    PY_PLOT_MODEL,
  ),
  { code: `plotModel(model)` },
  md(
    `With \`showShapes\` each box also shows the shapes going in and out, and \`toFile\` saves the picture (as SVG, which stays sharp at any size, so there is no \`dpi\`).`,
    `\`showShapes\`를 주면 상자마다 들어가고 나오는 데이터의 모양도 표시하고, \`toFile\`은 그림을 파일로 저장합니다. SVG는 어떤 크기에서도 선명하므로 \`dpi\`는 필요 없습니다.`,
    PY_PLOT_MODEL_SHAPES,
  ),
  { code: `plotModel(model, { showShapes: true, toFile: "cnn-architecture.svg" })` },
  md(
    `## Training with the callbacks of 7-3

The same recipe as at the end of 7-3: Adam, \`ModelCheckpoint\` keeps the best model in \`best-cnn-model.h5\`, and \`EarlyStopping\` stops after 2 epochs without a better validation loss and restores the best weights. \`LivePlot\` draws the curves as training goes.

A convolution does far more arithmetic than a dense layer of the same size, so each epoch takes longer than in 7-3.`,
    `## 7-3의 콜백으로 훈련하기

7-3의 마지막과 같은 방법입니다. Adam 옵티마이저를 쓰고, \`ModelCheckpoint\`는 가장 좋은 모델을 \`best-cnn-model.h5\`에 남기며, \`EarlyStopping\`은 검증 손실이 2 에포크 동안 나아지지 않으면 훈련을 멈추고 최상의 가중치를 되돌립니다. \`LivePlot\`은 훈련하는 동안 곡선을 그립니다.

합성곱은 같은 크기의 밀집층보다 계산이 훨씬 많아서 에포크마다 7-3보다 오래 걸립니다.`,
    PY_FIT,
  ),
  {
    code: `model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
const checkpointCb = new ModelCheckpoint("best-cnn-model.h5", { saveBestOnly: true });
const earlyStoppingCb = new EarlyStopping({ patience: 2, restoreBestWeights: true });
const started = Date.now();
const history = await model.fit(trainScaled, trainTarget, {
  epochs: 20, verbose: 0,
  validationData: [valScaled, valTarget],
  callbacks: [checkpointCb, earlyStoppingCb, new LivePlot()],
});`,
  },
  md(
    `Where did training stop? \`bestEpoch\` is the epoch (counted from 0) whose weights were restored; \`seconds\` is how long training took.`,
    `훈련은 어디서 멈췄을까요? \`bestEpoch\`는 가중치를 되돌린 에포크(0부터 셉니다)이고, \`seconds\`는 훈련에 걸린 시간입니다.`,
  ),
  {
    code: `({
  stoppedEpoch: earlyStoppingCb.stoppedEpoch,
  bestEpoch: earlyStoppingCb.bestEpoch,
  seconds: Math.round((Date.now() - started) / 1000),
})`,
  },
  md(
    `## The loss curves

The validation loss follows the training loss closely and is lower than the dense network's in 7-3: the convolutions and Dropout keep overfitting small.`,
    `## 손실 곡선

검증 손실이 훈련 손실을 가깝게 따라가고, 7-3의 밀집층 신경망보다 낮습니다. 합성곱과 드롭아웃 덕분에 과대적합이 작습니다.`,
    PY_CURVES,
  ),
  {
    code: `plt.plot(history.history.loss);
plt.plot(history.history.val_loss);
plt.xlabel("epoch");
plt.ylabel("loss");
plt.legend(["train", "val"]);
plt.show();`,
  },
  md(
    `## Evaluating on the validation set

The restored best weights give the validation loss of the best epoch, and an accuracy above 7-3's.`,
    `## 검증 세트로 평가하기

되돌린 최상의 가중치로 평가하면 가장 좋았던 에포크의 검증 손실이 나오고, 정확도는 7-3보다 높습니다.`,
    PY_EVALUATE,
  ),
  {
    code: `evaluate(model, valScaled, valTarget)`,
  },
  md(
    `## Looking at one image

\`plt.imshow\` draws a 2-D tensor as a picture; \`cmap: "gray_r"\` shows 0 as white and 1 as black, like ink on paper. The first validation sample is \`[1, 28, 28, 1]\`; we reshape it to \`[28, 28]\`.`,
    `## 이미지 하나 살펴보기

\`plt.imshow\`는 2차원 텐서를 그림으로 그립니다. \`cmap: "gray_r"\`은 0을 흰색, 1을 검은색으로 보여 줍니다. 종이에 잉크로 그린 것처럼요. 첫 번째 검증 샘플은 \`[1, 28, 28, 1]\` 모양이므로 \`[28, 28]\`로 바꿉니다.`,
    PY_IMSHOW,
  ),
  {
    code: `const firstImage = valScaled.slice(0, 1);
plt.imshow(firstImage.reshape([28, 28]), { cmap: "gray_r" });
plt.show();`,
  },
  md(
    `## What the model predicts for it

\`predict\` returns, for each sample, the 10 probabilities of the softmax layer.`,
    `## 모델의 예측

\`predict\`는 샘플마다 소프트맥스 층이 내놓은 10개의 확률을 돌려줍니다.`,
    PY_PREDICT,
  ),
  {
    code: `const preds = model.predict(firstImage);
preds`,
  },
  md(
    `As a bar chart, with the class names on the x axis: \`plt.bar\` takes the names directly and uses them as tick labels.`,
    `클래스 이름을 x축에 두고 막대그래프로 그려 봅니다. \`plt.bar\`에 이름을 그대로 주면 눈금 이름으로 씁니다.`,
    PY_BAR,
  ),
  {
    code: `const classes = ["T-shirt", "trousers", "pullover", "dress", "coat",
                 "sandal", "shirt", "sneaker", "bag", "ankle boot"];
plt.figure({ figsize: [8, 4] });
plt.bar(classes, preds.reshape([10]));
plt.xlabel("class");
plt.ylabel("prob.");
plt.show();`,
  },
  md(
    `The tallest bar is the prediction: \`argMax\` gives its index. The true label of this image is \`valTarget\`'s first value.`,
    `가장 높은 막대가 예측입니다. \`argMax\`로 그 인덱스를 구합니다. 이 이미지의 정답은 \`valTarget\`의 첫 번째 값입니다.`,
    PY_CLASSES,
  ),
  {
    code: `({
  predicted: classes[preds.argMax(-1).dataSync()[0]],
  actual: classes[valTarget.dataSync()[0]],
})`,
  },
  md(
    `## The test set

Finally the test set, which played no part in training or in choosing the epoch: reshaped and scaled like the training data. Its accuracy is close to the validation accuracy — what we can expect on new images.`,
    `## 테스트 세트

마지막으로 훈련에도, 에포크 선택에도 쓰지 않은 테스트 세트입니다. 훈련 데이터처럼 모양을 바꾸고 0~1로 만듭니다. 정확도가 검증 정확도와 비슷합니다. 새 이미지에서 기대할 수 있는 성능입니다.`,
    PY_TEST,
  ),
  {
    code: `const testScaled = testInput.reshape([-1, 28, 28, 1]).div(255);
evaluate(model, testScaled, testTarget)`,
  },
  md(
    `## Summary

- A CNN takes images as \`[N, height, width, channels]\`.
- \`Conv2D\` learns small filters used at every position; \`padding: "same"\` keeps the size; \`MaxPooling2D\` halves it.
- \`plotModel\` draws the architecture; \`showShapes\` adds the shapes and \`toFile\` saves it.
- With the callbacks of 7-3 the CNN reaches a higher accuracy than the dense network, and \`best-cnn-model.h5\` holds it for the next lesson.`,
    `## 정리

- 합성곱 신경망은 이미지를 \`[N, 높이, 너비, 채널]\` 모양으로 받습니다.
- \`Conv2D\`는 모든 위치에서 함께 쓰는 작은 필터를 학습합니다. \`padding: "same"\`은 크기를 유지하고, \`MaxPooling2D\`는 크기를 절반으로 줄입니다.
- \`plotModel\`은 모델 구조를 그립니다. \`showShapes\`는 모양을 덧붙이고, \`toFile\`은 그림을 저장합니다.
- 7-3의 콜백으로 훈련한 합성곱 신경망은 밀집층 신경망보다 정확도가 높고, 이 모델은 다음 강의를 위해 \`best-cnn-model.h5\`에 남아 있습니다.`,
  ),
];
