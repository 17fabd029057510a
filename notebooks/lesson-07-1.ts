/**
 * The first neural network lesson (chapter 7-1, the Keras part), cell by cell, in English and
 * Korean: Fashion-MNIST, one Dense softmax layer, `compile` without an optimizer (Keras's
 * RMSprop), `fit` for 5 epochs and `evaluate` on the validation set (the book: 0.8458).
 * The scikit-learn part of the chapter (SGDClassifier) is only shown, not run.
 */
import { md, py, type LessonCell } from "./lesson";

const PY_SEED = py(`
import tensorflow as tf
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()
`);
const PY_LOAD = py(`
from tensorflow import keras
(train_input, train_target), (test_input, test_target) = keras.datasets.fashion_mnist.load_data()
print(train_input.shape, train_target.shape)
print(test_input.shape, test_target.shape)
`);
const PY_SHOW = py(`
import matplotlib.pyplot as plt
fig, axs = plt.subplots(1, 10, figsize=(10,10))
for i in range(10):
    axs[i].imshow(train_input[i], cmap='gray_r')
    axs[i].axis('off')
plt.show()
`);
const PY_LABELS = py(`
print([train_target[i] for i in range(10)])
`);
const PY_SCALE = py(`
train_scaled = train_input / 255.0
train_scaled = train_scaled.reshape(-1, 28*28)
print(train_scaled.shape)
`);
const PY_SGD = py(`
from sklearn.model_selection import cross_validate
from sklearn.linear_model import SGDClassifier
sc = SGDClassifier(loss='log_loss', max_iter=5, random_state=42)
scores = cross_validate(sc, train_scaled, train_target, n_jobs=-1)
print(np.mean(scores['test_score']))
`);
const PY_SPLIT = py(`
from sklearn.model_selection import train_test_split
train_scaled, val_scaled, train_target, val_target = train_test_split(
    train_scaled, train_target, test_size=0.2, random_state=42)
print(train_scaled.shape, train_target.shape)
print(val_scaled.shape, val_target.shape)
`);
const PY_DENSE = py(`
dense = keras.layers.Dense(10, activation='softmax', input_shape=(784,))
model = keras.Sequential([dense])
`);
const PY_COMPILE = py(`
model.compile(loss='sparse_categorical_crossentropy', metrics=['accuracy'])
`);
const PY_TARGETS = py(`
print(train_target[:10])
`);
const PY_FIT = py(`
model.fit(train_scaled, train_target, epochs=5)
`);
const PY_EVALUATE = py(`
model.evaluate(val_scaled, val_target)
`);

export const LESSON_07_1: LessonCell[] = [
  md(
    `# 7-1 Artificial neural networks — in TypeScript

This notebook follows the book's first deep-learning lesson step by step, with [TensorFlow.js](https://www.tensorflow.org/js) and the \`tslab-dl\` library:

1. **Fashion-MNIST**: 70 000 small greyscale pictures of clothes in 10 classes
2. **A neural network of one layer**: \`keras.layers.Dense\` with a softmax, in a \`keras.Sequential\` model
3. **Training and evaluating** it: \`compile\`, \`fit\`, \`evaluate\`

Each step shows the book's Python first, then the TypeScript that does the same. \`keras\` here is \`tslab-dl\`'s Keras: the same layer names, the same defaults (initial weights, the optimizer \`compile\` uses when it is given none) and the same printouts as Keras 3.`,
    `# 7-1 인공 신경망 — TypeScript 버전

이 노트북은 책의 첫 번째 딥러닝 강의를 [TensorFlow.js](https://www.tensorflow.org/js)와 \`tslab-dl\` 라이브러리로 한 단계씩 따라갑니다.

1. **패션 MNIST**: 10가지 옷과 신발을 담은 흑백 이미지 7만 개
2. **층이 하나인 신경망**: 소프트맥스를 쓰는 \`keras.layers.Dense\`를 \`keras.Sequential\` 모델에 넣기
3. **훈련과 평가**: \`compile\`, \`fit\`, \`evaluate\`

단계마다 책의 Python 코드를 먼저 보여 주고, 같은 일을 하는 TypeScript 코드를 이어서 실행합니다. 여기서 \`keras\`는 \`tslab-dl\`의 케라스입니다. 층 이름, 기본값(초기 가중치, 옵티마이저를 지정하지 않았을 때 \`compile\`이 쓰는 옵티마이저), 출력 모양이 케라스 3와 같습니다.`,
  ),
  md(
    `## Setting up

One import brings everything. \`init()\` picks the fastest backend this machine has and prints it. \`setRandomSeed(42)\` plays the part of \`tf.keras.utils.set_random_seed(42)\`: the initial weights and the shuffling of each epoch repeat from run to run.`,
    `## 준비

import 한 줄로 필요한 것을 모두 가져옵니다. \`init()\`은 이 컴퓨터에서 가장 빠른 백엔드를 골라 출력합니다. \`setRandomSeed(42)\`는 \`tf.keras.utils.set_random_seed(42)\`와 같은 역할을 합니다. 초기 가중치와 에포크마다 샘플을 섞는 순서가 실행할 때마다 똑같이 반복됩니다.`,
    PY_SEED,
  ),
  {
    code: `import { keras, tf, init, setRandomSeed, loadFashionMnist, trainTestSplit, plt, evaluate } from "tslab-dl";

await init();
setRandomSeed(42);`,
  },
  md(
    `## Fashion-MNIST

\`loadFashionMnist()\` returns the same four arrays as Keras's \`load_data()\`: 60 000 training images of 28×28 pixels with their labels, and 10 000 test images. (It reads Debian's \`dataset-fashion-mnist\` or the Keras cache, or downloads the files and checks them.) We call the training labels \`trainTargetAll\`: further down, \`trainTarget\` will be the part of them we train on, and a TypeScript \`const\` cannot be given a new value as a Python name can.`,
    `## 패션 MNIST

\`loadFashionMnist()\`는 케라스의 \`load_data()\`와 같은 배열 네 개를 돌려줍니다. 28×28 픽셀 크기의 훈련 이미지 6만 개와 그 타깃, 테스트 이미지 1만 개와 그 타깃입니다. (데비안의 \`dataset-fashion-mnist\`나 케라스 캐시에서 읽고, 없으면 내려받아 검증합니다.) 훈련 세트의 타깃은 \`trainTargetAll\`이라고 부르겠습니다. 아래에서 \`trainTarget\`은 이 중에서 실제로 훈련에 쓰는 부분이 되는데, TypeScript의 \`const\`는 Python의 변수처럼 새 값을 다시 넣을 수 없기 때문입니다.`,
    PY_LOAD,
  ),
  {
    code: `const [[trainInput, trainTargetAll], [testInput, testTarget]] = await loadFashionMnist();
console.log(trainInput.shape, trainTargetAll.shape);
console.log(testInput.shape, testTarget.shape);`,
  },
  md(
    `The first ten training images. \`plt.subplots(1, 10)\` makes one row of ten axes, \`axs[i]\` is one of them, as in matplotlib; \`cmap: "gray_r"\` draws 0 as white and 1 as black, like ink on paper. \`tf.unstack\` splits the first ten images into ten 28×28 tensors.`,
    `훈련 세트의 처음 10개 이미지입니다. \`plt.subplots(1, 10)\`은 맷플롯립처럼 축 10개를 한 줄로 만들고, \`axs[i]\`가 그중 하나입니다. \`cmap: "gray_r"\`은 0을 흰색, 1을 검은색으로 그려서 종이에 잉크로 그린 것처럼 보입니다. \`tf.unstack\`으로 처음 10개 이미지를 28×28 텐서 10개로 나눕니다.`,
    PY_SHOW,
  ),
  {
    code: `const images = tf.unstack(trainInput.slice(0, 10));
const [fig, axs] = plt.subplots(1, 10, { figsize: [10, 10] });
for (let i = 0; i < 10; i++) {
  axs[i].imshow(images[i], { cmap: "gray_r" });
  axs[i].axis("off");
}
plt.show();`,
  },
  md(
    `Their labels: each is a number from 0 to 9 for one of the ten classes — 0 T-shirt/top, 1 trouser, 2 pullover, 3 dress, 4 coat, 5 sandal, 6 shirt, 7 sneaker, 8 bag, 9 ankle boot. Every class has exactly 6 000 training images.`,
    `이 이미지들의 타깃입니다. 0~9 사이의 숫자로 열 가지 클래스를 나타냅니다. 0 티셔츠, 1 바지, 2 스웨터, 3 드레스, 4 코트, 5 샌달, 6 셔츠, 7 스니커즈, 8 가방, 9 앵클 부츠입니다. 훈련 세트에는 클래스마다 정확히 6,000개의 샘플이 있습니다.`,
    PY_LABELS,
  ),
  { code: `trainTargetAll.slice(0, 10).arraySync()` },
  md(
    `## Scaling and flattening

Pixels go from 0 to 255; dividing by 255 brings them to 0–1, which gradient descent handles better. A dense layer takes each sample as one row of numbers, so each 28×28 image becomes a row of 784.`,
    `## 스케일 조정과 펼치기

픽셀 값은 0~255 사이입니다. 255로 나누어 0~1 사이로 바꾸면 경사 하강법이 더 잘 동작합니다. 밀집층은 샘플 하나를 숫자 한 줄로 받으므로, 28×28 이미지를 784개짜리 한 줄로 펼칩니다.`,
    PY_SCALE,
  ),
  {
    code: `const trainScaledAll = trainInput.div(255).reshape([-1, 28 * 28]);
trainScaledAll.shape`,
  },
  md(
    `The book first trains a logistic regression on these rows with scikit-learn's \`SGDClassifier\` (5 epochs, cross-validated: 0.8196). That part needs scikit-learn and is not repeated here; the neural network below is the same kind of model — one weighted sum per class and a softmax — trained by Keras.`,
    `책에서는 먼저 사이킷런의 \`SGDClassifier\`로 이 데이터에 로지스틱 회귀를 훈련합니다(5 에포크, 교차 검증 점수 0.8196). 이 부분은 사이킷런이 필요하므로 여기서는 건너뜁니다. 아래의 인공 신경망도 클래스마다 가중치 합을 하나씩 계산하고 소프트맥스를 적용하는 같은 종류의 모델이며, 이것을 케라스로 훈련합니다.`,
    PY_SGD,
  ),
  md(
    `## A validation set

Deep learning models take long to train, so instead of cross-validation we keep 20% of the training set aside as a validation set. \`trainTestSplit\` with \`randomState: 42\` picks exactly the rows that scikit-learn's \`random_state=42\` picks.`,
    `## 검증 세트 나누기

딥러닝 모델은 훈련에 시간이 오래 걸리므로 교차 검증 대신 훈련 세트의 20%를 검증 세트로 떼어 둡니다. \`randomState: 42\`로 나누면 사이킷런에서 \`random_state=42\`로 나눈 것과 정확히 같은 샘플이 뽑힙니다.`,
    PY_SPLIT,
  ),
  {
    code: `const [trainScaled, valScaled, trainTarget, valTarget] = trainTestSplit(
  trainScaledAll, trainTargetAll, { testSize: 0.2, randomState: 42 });
console.log(trainScaled.shape, trainTarget.shape);
console.log(valScaled.shape, valTarget.shape);`,
  },
  md(
    `## A model of one dense layer

\`keras.layers.Dense(10, ...)\` is a layer of 10 neurons, one per class, each connected to all 784 pixels; \`softmax\` turns their 10 outputs into probabilities. \`inputShape: [784]\` says what one sample looks like (Python's \`input_shape=(784,)\`). \`keras.Sequential\` makes a model of a list of layers.`,
    `## 밀집층 하나로 된 모델

\`keras.layers.Dense(10, ...)\`는 클래스마다 하나씩, 뉴런 10개로 된 층입니다. 뉴런마다 784개 픽셀 모두와 연결됩니다. \`softmax\`는 10개의 출력을 확률로 바꿉니다. \`inputShape: [784]\`는 샘플 하나의 크기입니다(Python의 \`input_shape=(784,)\`). \`keras.Sequential\`은 층의 리스트로 모델을 만듭니다.`,
    PY_DENSE,
  ),
  {
    code: `const dense = keras.layers.Dense(10, { activation: "softmax", inputShape: [784] });
const model = keras.Sequential([dense]);`,
  },
  md(
    `## Compiling

\`compile\` sets the loss to minimise and the metrics to report. The targets are class numbers (not one-hot rows), hence the **sparse** categorical cross-entropy. As in Keras, no \`optimizer\` means RMSprop with its default learning rate, 0.001.`,
    `## 모델 설정

\`compile\`로 줄여야 할 손실 함수와 훈련하는 동안 보여 줄 지표를 정합니다. 타깃이 원-핫 인코딩이 아니라 클래스 번호이므로 **sparse** 범주형 크로스 엔트로피를 씁니다. 케라스처럼 \`optimizer\`를 지정하지 않으면 기본 학습률 0.001의 RMSprop을 씁니다.`,
    PY_COMPILE,
  ),
  {
    code: `model.compile({ loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });`,
  },
  md(
    `The first ten training targets after the split: the same numbers as in the book, since the split picked the same rows.`,
    `나눈 뒤 훈련 세트의 처음 10개 타깃입니다. 같은 샘플을 뽑았으므로 책과 숫자가 같습니다.`,
    PY_TARGETS,
  ),
  { code: `trainTarget.slice(0, 10).arraySync()` },
  md(
    `## Training

\`fit\` trains for 5 epochs, 32 samples per step (Keras's default batch size), and prints Keras's line for each epoch: the steps, the time, and the running loss and accuracy.`,
    `## 훈련

\`fit\`으로 5 에포크 동안 훈련합니다. 한 번에 샘플 32개씩(케라스의 기본 배치 크기) 쓰며, 에포크마다 케라스와 같은 줄을 출력합니다. 단계 수, 걸린 시간, 그때까지의 손실과 정확도입니다.`,
    PY_FIT,
  ),
  {
    code: `await model.fit(trainScaled, trainTarget, { epochs: 5 });`,
  },
  md(
    `## Evaluating

The validation set was not used for training, so its score tells how well the model does on new images. \`evaluate(model, x, y)\` prints the loss and the accuracy, as Keras's \`model.evaluate\` returns them. The book gets 0.8458: the model gets about 85% of the validation images right, a little better than the logistic regression.`,
    `## 평가

검증 세트는 훈련에 쓰지 않았으므로, 검증 점수를 보면 모델이 처음 보는 이미지에서 얼마나 잘하는지 알 수 있습니다. \`evaluate(model, x, y)\`는 케라스의 \`model.evaluate\`처럼 손실과 정확도를 보여 줍니다. 책에서는 0.8458입니다. 검증 이미지의 약 85%를 맞힌 것으로, 로지스틱 회귀보다 조금 낫습니다.`,
    PY_EVALUATE,
  ),
  { code: `evaluate(model, valScaled, valTarget)` },
  md(
    `## Summary

- \`loadFashionMnist()\` gives Fashion-MNIST as Keras's \`load_data()\` does; \`trainTestSplit\` splits it as scikit-learn does.
- \`keras.layers.Dense(units, { activation, inputShape })\` and \`keras.Sequential([...])\` build the model; \`compile\` without an optimizer uses RMSprop, as in Keras.
- \`fit\` prints one line per epoch; \`evaluate(model, x, y)\` shows the loss and accuracy on data the model has not seen.`,
    `## 정리

- \`loadFashionMnist()\`는 케라스의 \`load_data()\`처럼 패션 MNIST를 돌려주고, \`trainTestSplit\`은 사이킷런처럼 데이터를 나눕니다.
- \`keras.layers.Dense(units, { activation, inputShape })\`와 \`keras.Sequential([...])\`로 모델을 만듭니다. 옵티마이저 없이 \`compile\`하면 케라스처럼 RMSprop을 씁니다.
- \`fit\`은 에포크마다 한 줄씩 출력하고, \`evaluate(model, x, y)\`는 모델이 보지 못한 데이터에서 손실과 정확도를 보여 줍니다.`,
  ),
];
