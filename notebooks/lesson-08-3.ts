/**
 * The lesson on visualising a CNN (chapter 8-3), cell by cell, in English and Korean:
 * the filters of the model that lesson 8-2 saved, and the feature maps it computes.
 * It reads `best-cnn-model.h5` from the notebook's folder, where 8-2 wrote it: run 8-2 first.
 */
import { md, py, type LessonCell } from "./lesson";

const PY_LOAD = py(`
from tensorflow import keras
model = keras.models.load_model('best-cnn-model.h5')
model.layers
`);
const PY_WEIGHTS = py(`
conv = model.layers[0]
print(conv.weights[0].shape, conv.weights[1].shape)
conv_weights = conv.weights[0].numpy()
print(conv_weights.mean(), conv_weights.std())
`);
const PY_HIST = py(`
import matplotlib.pyplot as plt
plt.hist(conv_weights.reshape(-1, 1))
plt.xlabel('weight')
plt.ylabel('count')
plt.show()
`);
const PY_FILTERS = py(`
fig, axs = plt.subplots(2, 16, figsize=(15,2))
for i in range(2):
    for j in range(16):
        axs[i, j].imshow(conv_weights[:,:,0,i*16 + j], vmin=-0.5, vmax=0.5)
        axs[i, j].axis('off')
plt.show()
`);
const PY_FRESH = py(`
no_training_model = keras.Sequential()
no_training_model.add(keras.layers.Conv2D(32, kernel_size=3, activation='relu',
                                          padding='same', input_shape=(28,28,1)))
no_training_conv = no_training_model.layers[0]
no_training_weights = no_training_conv.weights[0].numpy()
print(no_training_weights.mean(), no_training_weights.std())
plt.hist(no_training_weights.reshape(-1, 1))
plt.xlabel('weight')
plt.ylabel('count')
plt.show()
`);
const PY_FRESH_FILTERS = py(`
fig, axs = plt.subplots(2, 16, figsize=(15,2))
for i in range(2):
    for j in range(16):
        axs[i, j].imshow(no_training_weights[:,:,0,i*16 + j], vmin=-0.5, vmax=0.5)
        axs[i, j].axis('off')
plt.show()
`);
const PY_FUNCTIONAL = py(`
print(model.input)
conv_acti = keras.Model(model.input, model.layers[0].output)
`);
const PY_SAMPLE = py(`
(train_input, train_target), (test_input, test_target) = \\
    keras.datasets.fashion_mnist.load_data()
plt.imshow(train_input[0], cmap='gray_r')
plt.show()
`);
const PY_MAPS = py(`
inputs = train_input[0:1].reshape(-1, 28, 28, 1) / 255.0
feature_maps = conv_acti.predict(inputs)
print(feature_maps.shape)
fig, axs = plt.subplots(4, 8, figsize=(15,8))
for i in range(4):
    for j in range(8):
        axs[i, j].imshow(feature_maps[0,:,:,i*8 + j])
        axs[i, j].axis('off')
plt.show()
`);
const PY_MAPS2 = py(`
conv2_acti = keras.Model(model.input, model.layers[2].output)
feature_maps = conv2_acti.predict(inputs)
print(feature_maps.shape)
fig, axs = plt.subplots(8, 8, figsize=(12,12))
for i in range(8):
    for j in range(8):
        axs[i, j].imshow(feature_maps[0,:,:,i*8 + j])
        axs[i, j].axis('off')
plt.show()
`);

export const LESSON_08_3: LessonCell[] = [
  md(
    `# 8-3 What a convolutional network learned — in TypeScript

Lesson 8-2 trained a CNN and saved its best epoch in \`best-cnn-model.h5\`. Here we open it and look inside:

1. **The filters** of the first convolution: their weights as numbers, as a histogram, and as 32 small pictures
2. **An untrained model's filters**, for comparison
3. **The functional API**: a model that stops after any layer, to see its output
4. **Feature maps**: what the first and second convolutions make of one image

Run the 8-2 notebook first, in the same folder: this one reads the file it wrote.`,
    `# 8-3 합성곱 신경망이 배운 것 들여다보기 — TypeScript 버전

8-2 강의에서 합성곱 신경망을 훈련하고 가장 좋은 에포크를 \`best-cnn-model.h5\`에 저장했습니다. 이 파일을 열어 안을 들여다봅니다.

1. 첫 번째 합성곱 층의 **필터**: 가중치를 숫자로, 히스토그램으로, 그리고 작은 그림 32개로
2. 비교를 위해 **훈련하지 않은 모델의 필터**
3. **함수형 API**: 원하는 층에서 멈추는 모델을 만들어 그 층의 출력 보기
4. **특성 맵**: 첫 번째와 두 번째 합성곱 층이 이미지 하나를 어떻게 바꾸는지

먼저 같은 폴더에서 8-2 노트북을 실행하세요. 이 노트북은 8-2가 저장한 파일을 읽습니다.`,
  ),
  {
    code: `import { keras, tf, init, setRandomSeed, loadFashionMnist, loadModel, plt } from "tslab-dl";

await init();
setRandomSeed(42);`,
  },
  md(
    `## Loading the model of 8-2

\`loadModel\` rebuilds the model from the Keras file alone. Its layers are the eight of 8-2.`,
    `## 8-2의 모델 불러오기

\`loadModel\`은 Keras 파일만으로 모델을 다시 만듭니다. 층은 8-2에서 만든 여덟 개입니다.`,
    PY_LOAD,
  ),
  {
    code: `const model = await loadModel("best-cnn-model.h5");
model.layers.map((layer) => \`\${layer.name} (\${layer.getClassName()})\`)`,
  },
  md(
    `## The first layer's weights

The first Conv2D holds its filters in a kernel of shape \`[3, 3, 1, 32]\` (height, width, input channels, filters) and one bias per filter. Their mean is close to 0; the standard deviation tells how widely they spread.`,
    `## 첫 번째 층의 가중치

첫 번째 Conv2D 층은 필터를 \`[3, 3, 1, 32]\`(높이, 너비, 입력 채널, 필터 개수) 모양의 커널에 담고, 필터마다 절편이 하나 있습니다. 가중치의 평균은 0에 가깝고, 표준 편차는 가중치가 얼마나 넓게 퍼져 있는지 알려 줍니다.`,
    PY_WEIGHTS,
  ),
  {
    code: `const conv = model.layers[0];
const [convWeights, convBias] = conv.getWeights();
const convMoments = tf.moments(convWeights);
({
  kernel: convWeights.shape,
  bias: convBias.shape,
  mean: convMoments.mean.dataSync()[0],
  std: Math.sqrt(convMoments.variance.dataSync()[0]),
})`,
  },
  md(
    `Their histogram: after training the weights spread out in both directions — a filter needs strongly positive and strongly negative weights to react to an edge or a stripe.`,
    `히스토그램으로 그려 봅니다. 훈련을 마친 가중치는 양쪽으로 넓게 퍼져 있습니다. 필터가 경계나 줄무늬에 반응하려면 큰 양수 가중치와 큰 음수 가중치가 함께 있어야 하기 때문입니다.`,
    PY_HIST,
  ),
  {
    code: `plt.hist(convWeights.dataSync());
plt.xlabel("weight");
plt.ylabel("count");
plt.show();`,
  },
  md(
    `## The 32 filters as pictures

\`plt.subplots(2, 16)\` makes a grid of 2 × 16 axes, \`axs[i][j]\` is one of them. Each filter is a 3×3 picture; \`vmin\`/\`vmax\` fix the colour scale at -0.5 to 0.5 for all of them, so colours compare across filters: yellow is a large positive weight, dark purple a large negative one. \`tf.unstack\` splits the kernel into its 32 filters.`,
    `## 필터 32개를 그림으로

\`plt.subplots(2, 16)\`은 2 × 16개의 축을 격자로 만들고, \`axs[i][j]\`가 그중 하나입니다. 필터 하나는 3×3 그림입니다. \`vmin\`/\`vmax\`로 모든 필터의 색 범위를 -0.5~0.5로 고정해서 필터끼리 색을 비교할 수 있습니다. 노란색은 큰 양수, 짙은 보라색은 큰 음수 가중치입니다. \`tf.unstack\`으로 커널을 필터 32개로 나눕니다.`,
    PY_FILTERS,
  ),
  {
    code: `const filters = tf.unstack(convWeights.reshape([3, 3, 32]), 2);
const [fig, axs] = plt.subplots(2, 16, { figsize: [15, 2] });
for (let i = 0; i < 2; i++) {
  for (let j = 0; j < 16; j++) {
    axs[i][j].imshow(filters[i * 16 + j], { vmin: -0.5, vmax: 0.5 });
    axs[i][j].axis("off");
  }
}
plt.show();`,
  },
  md(
    `## An untrained model, for comparison

A new Conv2D layer starts from Glorot-uniform random weights: spread evenly over a narrow range around 0. Its histogram is flat, and its filters are noise with little contrast.`,
    `## 비교: 훈련하지 않은 모델

새로 만든 Conv2D 층은 글로럿 균등 분포의 무작위 가중치로 시작합니다. 0 근처의 좁은 범위에 고르게 퍼져 있어서 히스토그램이 평평하고, 필터는 대비가 약한 잡음처럼 보입니다.`,
    PY_FRESH,
  ),
  {
    code: `const noTrainingModel = keras.Sequential();
noTrainingModel.add(keras.layers.Conv2D(32, { kernelSize: 3, activation: "relu",
                                              padding: "same", inputShape: [28, 28, 1] }));
const noTrainingWeights = noTrainingModel.layers[0].getWeights()[0];
const freshMoments = tf.moments(noTrainingWeights);
console.log({
  kernel: noTrainingWeights.shape,
  mean: freshMoments.mean.dataSync()[0],
  std: Math.sqrt(freshMoments.variance.dataSync()[0]),
});
plt.hist(noTrainingWeights.dataSync());
plt.xlabel("weight");
plt.ylabel("count");
plt.show();`,
  },
  md(
    `On the same colour scale the untrained filters look washed out next to the trained ones: training sharpened them into patterns.`,
    `같은 색 범위로 그리면 훈련하지 않은 필터는 훈련한 필터보다 흐릿합니다. 훈련이 필터를 뚜렷한 패턴으로 바꾼 것입니다.`,
    PY_FRESH_FILTERS,
  ),
  {
    code: `const freshFilters = tf.unstack(noTrainingWeights.reshape([3, 3, 32]), 2);
const [fig, axs] = plt.subplots(2, 16, { figsize: [15, 2] });
for (let i = 0; i < 2; i++) {
  for (let j = 0; j < 16; j++) {
    axs[i][j].imshow(freshFilters[i * 16 + j], { vmin: -0.5, vmax: 0.5 });
    axs[i][j].axis("off");
  }
}
plt.show();`,
  },
  md(
    `## The functional API

A Sequential model is a chain of layers, but any model is a graph from input tensors to output tensors. \`keras.Model(inputs, outputs)\` builds a new model over the same layers (and the same weights) that ends wherever we choose. Ending at the first layer's \`output\` gives a model whose prediction is the first convolution's feature maps.`,
    `## 함수형 API

Sequential 모델은 층을 한 줄로 이은 것이지만, 어떤 모델이든 입력 텐서에서 출력 텐서로 가는 그래프입니다. \`keras.Model(inputs, outputs)\`은 같은 층(과 같은 가중치)을 쓰되 원하는 곳에서 끝나는 새 모델을 만듭니다. 첫 번째 층의 \`output\`에서 끝내면, 예측 결과가 첫 번째 합성곱 층의 특성 맵인 모델이 됩니다.`,
    PY_FUNCTIONAL,
  ),
  {
    code: `console.log(model.inputs[0].shape);
const convActi = keras.Model(model.input, model.layers[0].output);
convActi.outputs[0].shape`,
  },
  md(
    `## One image through the first convolution

The first training image is an ankle boot.`,
    `## 첫 번째 합성곱 층을 지난 이미지

첫 번째 훈련 이미지는 앵클 부츠입니다.`,
    PY_SAMPLE,
  ),
  {
    code: `const [[trainInput]] = await loadFashionMnist();
plt.imshow(trainInput.slice(0, 1).reshape([28, 28]), { cmap: "gray_r" });
plt.show();`,
  },
  md(
    `Its 32 feature maps, one per filter, with matplotlib's default colours (viridis): bright where the filter's pattern is present. Compare them with the filters above: a filter with positive weights at the top and negative ones at the bottom lights up on the boot's horizontal edges; others respond to vertical edges or to the whole shape.`,
    `필터마다 하나씩, 특성 맵 32개를 matplotlib의 기본 색(viridis)으로 그립니다. 필터의 패턴이 있는 곳이 밝게 나타납니다. 위의 필터와 비교해 보세요. 위쪽 가중치가 양수이고 아래쪽이 음수인 필터는 부츠의 가로 경계에서 밝아지고, 다른 필터들은 세로 경계나 전체 모양에 반응합니다.`,
    PY_MAPS,
  ),
  {
    code: `const inputs = trainInput.slice(0, 1).reshape([-1, 28, 28, 1]).div(255);
const featureMaps = convActi.predict(inputs);
console.log(featureMaps.shape);
const maps = tf.unstack(featureMaps.reshape([28, 28, 32]), 2);
const [fig, axs] = plt.subplots(4, 8, { figsize: [15, 8] });
for (let i = 0; i < 4; i++) {
  for (let j = 0; j < 8; j++) {
    axs[i][j].imshow(maps[i * 8 + j]);
    axs[i][j].axis("off");
  }
}
plt.show();`,
  },
  md(
    `## The second convolution

The second Conv2D (\`model.layers[2]\`) sees the 32 pooled maps of 14×14 and produces 64 maps of 14×14. They are harder to read: each combines many first-layer features, and the deeper a layer, the more abstract what it detects.`,
    `## 두 번째 합성곱 층

두 번째 Conv2D 층(\`model.layers[2]\`)은 풀링을 거친 14×14 특성 맵 32개를 받아 14×14 특성 맵 64개를 만듭니다. 이 맵들은 알아보기 더 어렵습니다. 각각이 첫 번째 층의 특성을 여러 개 조합하기 때문이고, 깊은 층일수록 더 추상적인 것을 감지합니다.`,
    PY_MAPS2,
  ),
  {
    code: `const conv2Acti = keras.Model(model.input, model.layers[2].output);
const featureMaps2 = conv2Acti.predict(inputs);
console.log(featureMaps2.shape);
const maps2 = tf.unstack(featureMaps2.reshape([14, 14, 64]), 2);
const [fig, axs] = plt.subplots(8, 8, { figsize: [12, 12] });
for (let i = 0; i < 8; i++) {
  for (let j = 0; j < 8; j++) {
    axs[i][j].imshow(maps2[i * 8 + j]);
    axs[i][j].axis("off");
  }
}
plt.show();`,
  },
  md(
    `## Summary

- A Conv2D layer's kernel has the shape \`[height, width, input channels, filters]\`; training turns small random weights into contrasting patterns.
- \`plt.hist\`, \`plt.imshow\` and \`plt.subplots\` show weights and images as in matplotlib.
- The functional API, \`keras.Model(inputs, outputs)\`, builds a model that stops at any layer: its predictions are that layer's feature maps.
- The first convolution finds edges and simple shapes; deeper layers combine them into more abstract features.`,
    `## 정리

- Conv2D 층의 커널 모양은 \`[높이, 너비, 입력 채널, 필터 개수]\`입니다. 훈련은 작은 무작위 가중치를 대비가 뚜렷한 패턴으로 바꿉니다.
- \`plt.hist\`, \`plt.imshow\`, \`plt.subplots\`는 matplotlib처럼 가중치와 이미지를 보여 줍니다.
- 함수형 API \`keras.Model(inputs, outputs)\`로 원하는 층에서 멈추는 모델을 만들면, 그 예측이 바로 그 층의 특성 맵입니다.
- 첫 번째 합성곱 층은 경계와 단순한 모양을 찾고, 깊은 층은 이를 조합해 더 추상적인 특성을 만듭니다.`,
  ),
];
