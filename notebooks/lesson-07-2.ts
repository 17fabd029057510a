/**
 * The deep neural network lesson (chapter 7-2), cell by cell, in English and Korean: a sigmoid
 * hidden layer, `summary`, named models, `add`, Flatten and relu trained with Keras's default
 * RMSprop (the book: 0.8665), the optimizers by name and by class, and the Adam model (0.8726).
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
from sklearn.model_selection import train_test_split
train_scaled = train_input / 255.0
train_scaled = train_scaled.reshape(-1, 28*28)
train_scaled, val_scaled, train_target, val_target = train_test_split(
    train_scaled, train_target, test_size=0.2, random_state=42)
`);
const PY_LAYERS = py(`
dense1 = keras.layers.Dense(100, activation='sigmoid', input_shape=(784,))
dense2 = keras.layers.Dense(10, activation='softmax')
`);
const PY_MODEL = py(`
model = keras.Sequential([dense1, dense2])
model.summary()
`);
const PY_NAMED = py(`
model = keras.Sequential([
    keras.layers.Dense(100, activation='sigmoid', input_shape=(784,), name='hidden'),
    keras.layers.Dense(10, activation='softmax', name='output')
], name='패션 MNIST 모델')
model.summary()
`);
const PY_ADD = py(`
model = keras.Sequential()
model.add(keras.layers.Dense(100, activation='sigmoid', input_shape=(784,)))
model.add(keras.layers.Dense(10, activation='softmax'))
model.summary()
`);
const PY_FIT_SIGMOID = py(`
model.compile(loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(train_scaled, train_target, epochs=5)
`);
const PY_RELU = py(`
model = keras.Sequential()
model.add(keras.layers.Flatten(input_shape=(28, 28)))
model.add(keras.layers.Dense(100, activation='relu'))
model.add(keras.layers.Dense(10, activation='softmax'))
model.summary()
`);
const PY_RELOAD = py(`
(train_input, train_target), (test_input, test_target) = keras.datasets.fashion_mnist.load_data()
train_scaled = train_input / 255.0
train_scaled, val_scaled, train_target, val_target = train_test_split(
    train_scaled, train_target, test_size=0.2, random_state=42)
`);
const PY_FIT_RELU = py(`
model.compile(loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(train_scaled, train_target, epochs=5)
`);
const PY_EVALUATE = py(`
model.evaluate(val_scaled, val_target)
`);
const PY_SGD_STRING = py(`
model.compile(optimizer='sgd', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
`);
const PY_SGD = py(`
sgd = keras.optimizers.SGD()
model.compile(optimizer=sgd, loss='sparse_categorical_crossentropy', metrics=['accuracy'])
`);
const PY_SGD_LR = py(`
sgd = keras.optimizers.SGD(learning_rate=0.1)
`);
const PY_NESTEROV = py(`
sgd = keras.optimizers.SGD(momentum=0.9, nesterov=True)
`);
const PY_ADAGRAD = py(`
adagrad = keras.optimizers.Adagrad()
model.compile(optimizer=adagrad, loss='sparse_categorical_crossentropy', metrics=['accuracy'])
`);
const PY_RMSPROP = py(`
rmsprop = keras.optimizers.RMSprop()
model.compile(optimizer=rmsprop, loss='sparse_categorical_crossentropy', metrics=['accuracy'])
`);
const PY_ADAM = py(`
model = keras.Sequential()
model.add(keras.layers.Flatten(input_shape=(28, 28)))
model.add(keras.layers.Dense(100, activation='relu'))
model.add(keras.layers.Dense(10, activation='softmax'))
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(train_scaled, train_target, epochs=5)
`);

export const LESSON_07_2: LessonCell[] = [
  md(
    `# 7-2 Deep neural networks — in TypeScript

Lesson 7-1 trained a network of one layer. This notebook follows the book's next lesson step by step, with [TensorFlow.js](https://www.tensorflow.org/js) and the \`tslab-dl\` library:

1. **A hidden layer**: two dense layers, and what \`summary()\` tells about them
2. **Three ways to build** a Sequential model: a list of layers, names, and \`add\`
3. **ReLU and Flatten**: a better activation, and a layer that flattens the images for us
4. **Optimizers**: SGD, momentum and Nesterov, Adagrad, RMSprop and Adam, by name or as objects

Each step shows the book's Python first, then the TypeScript that does the same.`,
    `# 7-2 심층 신경망 — TypeScript 버전

7-1에서는 층이 하나인 신경망을 훈련했습니다. 이 노트북은 책의 다음 강의를 [TensorFlow.js](https://www.tensorflow.org/js)와 \`tslab-dl\` 라이브러리로 한 단계씩 따라갑니다.

1. **은닉층**: 밀집층 두 개, 그리고 \`summary()\`가 알려 주는 것
2. **Sequential 모델을 만드는 세 가지 방법**: 층의 리스트, 이름 붙이기, \`add\`
3. **렐루와 Flatten**: 더 좋은 활성화 함수와 이미지를 대신 펼쳐 주는 층
4. **옵티마이저**: SGD, 모멘텀과 네스테로프, Adagrad, RMSprop, Adam을 이름이나 객체로 지정하기

단계마다 책의 Python 코드를 먼저 보여 주고, 같은 일을 하는 TypeScript 코드를 이어서 실행합니다.`,
  ),
  md(
    `## Setting up

The same start as in 7-1: one import, \`init()\` picks the backend, \`setRandomSeed(42)\` makes the run repeat.`,
    `## 준비

7-1과 같습니다. import 한 줄, 백엔드를 고르는 \`init()\`, 실행할 때마다 같은 결과를 내는 \`setRandomSeed(42)\`입니다.`,
    PY_SEED,
  ),
  {
    code: `import { keras, init, setRandomSeed, loadFashionMnist, trainTestSplit, evaluate } from "tslab-dl";

await init();
setRandomSeed(42);`,
  },
  md(
    `## The data, as in 7-1

Pixels scaled to 0–1, each image flattened to a row of 784, and 20% of the training set kept for validation (the same rows as scikit-learn's \`random_state=42\`).`,
    `## 7-1과 같은 데이터

픽셀 값을 0~1로 바꾸고, 이미지를 784개짜리 한 줄로 펼치고, 훈련 세트의 20%를 검증 세트로 떼어 둡니다(사이킷런의 \`random_state=42\`와 같은 샘플).`,
    PY_LOAD,
  ),
  {
    code: `const [[trainInput, trainTargetAll], [testInput, testTarget]] = await loadFashionMnist();
const [trainScaled, valScaled, trainTarget, valTarget] = trainTestSplit(
  trainInput.div(255).reshape([-1, 28 * 28]), trainTargetAll, { testSize: 0.2, randomState: 42 });`,
  },
  md(
    `## Two layers

\`dense1\` is a **hidden layer** of 100 neurons between the input and the output layer. Its activation is the sigmoid, which squeezes each neuron's weighted sum into 0–1. Only the first layer of a model needs \`inputShape\`; Keras works out the others. The output layer \`dense2\` is the softmax layer of 7-1.`,
    `## 2개의 층

\`dense1\`은 입력층과 출력층 사이에 있는 뉴런 100개의 **은닉층**입니다. 활성화 함수는 시그모이드로, 뉴런마다 가중치 합을 0~1 사이로 압축합니다. \`inputShape\`는 모델의 첫 번째 층에만 지정하면 되고, 나머지 층의 입력 크기는 케라스가 알아서 정합니다. 출력층 \`dense2\`는 7-1의 소프트맥스 층입니다.`,
    PY_LAYERS,
  ),
  {
    code: `const dense1 = keras.layers.Dense(100, { activation: "sigmoid", inputShape: [784] });
const dense2 = keras.layers.Dense(10, { activation: "softmax" });`,
  },
  md(
    `## A deep neural network

A list of layers makes a model of those layers in order. \`summary()\` lists them with Keras's names (\`dense\`, \`dense_1\`), their output shapes and their parameter counts. The first dimension of each shape is \`None\`: the number of samples per batch is not fixed. The hidden layer has 784 × 100 weights and 100 biases, 78 500 parameters; the output layer 100 × 10 + 10 = 1 010.`,
    `## 심층 신경망 만들기

층의 리스트를 주면 그 층들을 차례로 이은 모델이 만들어집니다. \`summary()\`는 층마다 케라스의 이름(\`dense\`, \`dense_1\`), 출력 크기, 파라미터 개수를 보여 줍니다. 출력 크기의 첫 번째 차원이 \`None\`인 것은 배치마다 샘플 개수가 정해져 있지 않기 때문입니다. 은닉층의 파라미터는 가중치 784 × 100개와 절편 100개를 더한 78,500개, 출력층은 100 × 10 + 10 = 1,010개입니다.`,
    PY_MODEL,
  ),
  {
    code: `const model = keras.Sequential([dense1, dense2]);
model.summary();`,
  },
  md(
    `## Other ways to add layers

The layers can be made right inside the list, and a model and its layers can be given names. A model's name may be any text, Korean included; a layer's name is best kept to letters, digits and underscores.`,
    `## 층을 추가하는 다른 방법

리스트 안에서 바로 층을 만들 수도 있고, 모델과 층에 이름을 붙일 수도 있습니다. 모델 이름에는 한글을 포함해 어떤 글자든 쓸 수 있지만, 층 이름은 영문자, 숫자, 밑줄만 쓰는 것이 좋습니다.`,
    PY_NAMED,
  ),
  {
    code: `const model = keras.Sequential([
  keras.layers.Dense(100, { activation: "sigmoid", inputShape: [784], name: "hidden" }),
  keras.layers.Dense(10, { activation: "softmax", name: "output" }),
], { name: "패션 MNIST 모델" });
model.summary();`,
  },
  md(
    `With many layers the list grows long. The most common way is to start from an empty \`keras.Sequential()\` and \`add\` the layers one by one. New layers get the next free names, \`dense_2\` and \`dense_3\`; the model is \`sequential_1\`.`,
    `층이 많아지면 리스트가 너무 길어집니다. 가장 널리 쓰는 방법은 빈 \`keras.Sequential()\`을 만들고 \`add\`로 층을 하나씩 추가하는 것입니다. 새로운 층은 다음 번호의 이름 \`dense_2\`, \`dense_3\`을 받고, 모델은 \`sequential_1\`이 됩니다.`,
    PY_ADD,
  ),
  {
    code: `const model = keras.Sequential();
model.add(keras.layers.Dense(100, { activation: "sigmoid", inputShape: [784] }));
model.add(keras.layers.Dense(10, { activation: "softmax" }));
model.summary();`,
  },
  md(
    `Training as in 7-1: no optimizer given, so RMSprop; 5 epochs. The hidden layer helps: the training accuracy climbs higher than 7-1's single layer.`,
    `7-1처럼 훈련합니다. 옵티마이저를 지정하지 않았으므로 RMSprop을 쓰고, 5 에포크 동안 훈련합니다. 은닉층을 추가한 덕분에 훈련 정확도가 7-1의 층 하나짜리 모델보다 높아집니다.`,
    PY_FIT_SIGMOID,
  ),
  {
    code: `model.compile({ loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
await model.fit(trainScaled, trainTarget, { epochs: 5 });`,
  },
  md(
    `## The ReLU activation

The sigmoid flattens out at both ends, where a large weighted sum barely changes the output: the gradients there are tiny, and deep networks learn slowly. **ReLU** (rectified linear unit) passes positive values as they are and makes negative ones 0: \`max(0, z)\`.

\`keras.layers.Flatten\` turns each 28×28 image into a row of 784 inside the model, so the data needs no reshaping. It has no parameters; it counts as a layer all the same.`,
    `## 렐루 활성화 함수

시그모이드 함수는 양 끝으로 갈수록 평평해져서, 가중치 합이 커도 출력이 거의 변하지 않습니다. 그래서 그레이디언트가 아주 작아지고, 층이 많은 신경망은 느리게 배웁니다. **렐루**(ReLU) 함수는 양수는 그대로 통과시키고 음수는 0으로 만듭니다. 즉 \`max(0, z)\`입니다.

\`keras.layers.Flatten\`은 모델 안에서 28×28 이미지를 784개짜리 한 줄로 펼쳐 주므로 데이터를 미리 바꿀 필요가 없습니다. 학습하는 파라미터는 없지만 층의 하나로 셉니다.`,
    PY_RELU,
  ),
  {
    code: `const model = keras.Sequential();
model.add(keras.layers.Flatten({ inputShape: [28, 28] }));
model.add(keras.layers.Dense(100, { activation: "relu" }));
model.add(keras.layers.Dense(10, { activation: "softmax" }));
model.summary();`,
  },
  md(
    `The data again, this time without \`reshape\`: the Flatten layer does it.`,
    `이번에는 \`reshape\` 없이 데이터를 다시 준비합니다. Flatten 층이 대신 펼쳐 줍니다.`,
    PY_RELOAD,
  ),
  {
    code: `const [trainScaled, valScaled, trainTarget, valTarget] = trainTestSplit(
  trainInput.div(255), trainTargetAll, { testSize: 0.2, randomState: 42 });`,
  },
  md(`Training the ReLU model, with RMSprop again.`, `렐루 모델을 다시 RMSprop으로 훈련합니다.`, PY_FIT_RELU),
  {
    code: `model.compile({ loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
await model.fit(trainScaled, trainTarget, { epochs: 5 });`,
  },
  md(
    `On the validation set the book gets 0.8665, better than the single layer of 7-1 (0.8458).`,
    `책의 검증 점수는 0.8665로, 7-1의 층 하나짜리 모델(0.8458)보다 좋습니다.`,
    PY_EVALUATE,
  ),
  { code: `evaluate(model, valScaled, valTarget)` },
  md(
    `## Optimizers

The **optimizer** is the algorithm that changes the weights to lower the loss. Keras knows them by name: \`"sgd"\` is plain stochastic gradient descent with Keras's default learning rate, 0.01.`,
    `## 옵티마이저

**옵티마이저**는 손실이 줄어들도록 가중치를 바꾸는 알고리즘입니다. 케라스는 이름으로 옵티마이저를 지정할 수 있습니다. \`"sgd"\`는 케라스의 기본 학습률 0.01을 쓰는 기본 확률적 경사 하강법입니다.`,
    PY_SGD_STRING,
  ),
  {
    code: `model.compile({ optimizer: "sgd", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });`,
  },
  md(
    `The same optimizer as an object: \`keras.optimizers.SGD()\`. The string is a shortcut for this.`,
    `같은 옵티마이저를 객체로 만들 수도 있습니다. 문자열 \`"sgd"\`는 \`keras.optimizers.SGD()\`의 줄임말입니다.`,
    PY_SGD,
  ),
  {
    code: `const sgd = keras.optimizers.SGD();
model.compile({ optimizer: sgd, loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });`,
  },
  md(
    `An object lets us set the optimizer's settings, here a larger learning rate, 0.1 (Python's \`learning_rate\` is \`learningRate\`).`,
    `객체로 만들면 옵티마이저의 설정을 바꿀 수 있습니다. 여기서는 학습률을 0.1로 키웁니다(Python의 \`learning_rate\`는 \`learningRate\`입니다).`,
    PY_SGD_LR,
  ),
  { code: `const sgd = keras.optimizers.SGD({ learningRate: 0.1 });` },
  md(
    `**Momentum** keeps part of the previous steps' direction, like a ball rolling downhill; 0.9 is the usual value. **Nesterov momentum** looks one step ahead before it corrects the direction, and usually does better than plain momentum.`,
    `**모멘텀**은 언덕을 굴러 내려가는 공처럼 이전 단계의 방향을 일부 유지합니다. 보통 0.9를 씁니다. **네스테로프 모멘텀**은 한 걸음 앞을 내다보고 방향을 고쳐서, 대개 기본 모멘텀보다 성능이 좋습니다.`,
    PY_NESTEROV,
  ),
  { code: `const sgd = keras.optimizers.SGD({ momentum: 0.9, nesterov: true });` },
  md(
    `**Adaptive learning rates** change the step of each weight as training goes: large steps at first, smaller ones near the minimum, so the learning rate needs little tuning. Adagrad is one of them (default learning rate 0.001).`,
    `**적응적 학습률**은 훈련하면서 가중치마다 이동하는 크기를 바꿉니다. 처음에는 크게, 최적점에 가까워질수록 작게 움직이므로 학습률을 손볼 일이 적습니다. Adagrad가 그중 하나입니다(기본 학습률 0.001).`,
    PY_ADAGRAD,
  ),
  {
    code: `const adagrad = keras.optimizers.Adagrad();
model.compile({ optimizer: adagrad, loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });`,
  },
  md(
    `RMSprop, the default of \`compile\`, is another (learning rate 0.001).`,
    `\`compile\`의 기본값인 RMSprop도 적응적 학습률을 씁니다(학습률 0.001).`,
    PY_RMSPROP,
  ),
  {
    code: `const rmsprop = keras.optimizers.RMSprop();
model.compile({ optimizer: rmsprop, loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });`,
  },
  md(
    `## Adam

**Adam** combines momentum with an adaptive learning rate, and is a good first choice. A new ReLU model, trained with \`"adam"\` for 5 epochs.`,
    `## Adam

**Adam**은 모멘텀과 적응적 학습률을 함께 쓰며, 처음 시도해 보기 좋은 옵티마이저입니다. 새 렐루 모델을 \`"adam"\`으로 5 에포크 동안 훈련합니다.`,
    PY_ADAM,
  ),
  {
    code: `const model = keras.Sequential();
model.add(keras.layers.Flatten({ inputShape: [28, 28] }));
model.add(keras.layers.Dense(100, { activation: "relu" }));
model.add(keras.layers.Dense(10, { activation: "softmax" }));
model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
await model.fit(trainScaled, trainTarget, { epochs: 5 });`,
  },
  md(
    `The book's validation score for Adam is 0.8726, a little better than RMSprop's 0.8665. Five epochs are few: which of the two comes out ahead changes from run to run (here, from one machine to another), but both land around 87%.`,
    `책에서 Adam 모델의 검증 점수는 0.8726으로, RMSprop의 0.8665보다 조금 좋습니다. 5 에포크는 짧아서 둘 중 어느 쪽이 앞서는지는 실행(여기서는 컴퓨터)에 따라 달라지지만, 둘 다 87% 안팎입니다.`,
    PY_EVALUATE,
  ),
  { code: `evaluate(model, valScaled, valTarget)` },
  md(
    `## Summary

- A hidden layer between input and output makes a **deep** network; \`summary()\` lists its layers, output shapes and parameters.
- \`keras.Sequential([...], { name })\`, or an empty \`keras.Sequential()\` and \`add\`, build the same models.
- ReLU learns faster than the sigmoid in hidden layers; \`Flatten\` flattens the images inside the model.
- \`compile\` takes an optimizer by name (\`"sgd"\`, \`"adam"\`) or as an object (\`keras.optimizers.SGD({ momentum: 0.9, nesterov: true })\`, \`Adagrad()\`, \`RMSprop()\`), with Keras's default settings.`,
    `## 정리

- 입력층과 출력층 사이에 은닉층을 두면 **심층** 신경망이 됩니다. \`summary()\`는 층, 출력 크기, 파라미터 개수를 보여 줍니다.
- \`keras.Sequential([...], { name })\`이나 빈 \`keras.Sequential()\`과 \`add\`로 같은 모델을 만들 수 있습니다.
- 은닉층에서는 렐루가 시그모이드보다 빨리 배웁니다. \`Flatten\`은 모델 안에서 이미지를 펼쳐 줍니다.
- \`compile\`에는 옵티마이저를 이름(\`"sgd"\`, \`"adam"\`)이나 객체(\`keras.optimizers.SGD({ momentum: 0.9, nesterov: true })\`, \`Adagrad()\`, \`RMSprop()\`)로 줄 수 있고, 설정은 케라스의 기본값을 따릅니다.`,
  ),
];
