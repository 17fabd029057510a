/**
 * Keras file formats: legacy HDF5 (`.h5`), Keras 3 weights (`.weights.h5`)
 * and Keras 3 archives (`.keras`), read and written without Python.
 *
 * `src/io/index.ts` picks among these by the path's ending; users call
 * `saveModel`, `loadModel`, `saveWeights` and `loadWeights` from there.
 */
export { loadModelH5, loadWeightsH5, saveModelH5, saveWeightsH5 } from "./legacy-h5";
export { loadModelKeras, loadWeightsKeras3, saveModelKeras, saveWeightsKeras3 } from "./keras3";
