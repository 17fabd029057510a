/**
 * tslab-dl's ops in AssemblyScript, one file per op; this list is the module's exports.
 * Built by `npm run build` (see asconfig.json) into dist/src/speed/as/ops{,-fma}.wasm and
 * loaded by src/speed/as-ops.ts onto tfjs-backend-wasm's own memory.
 */
export { gemm } from "./gemm";
export { im2col } from "./im2col";
export { col2im } from "./col2im";
export { transpose } from "./transpose";
export { maxPool } from "./max-pool";
export { avgPool, avgPoolGrad } from "./avg-pool";
export { maxPoolGrad } from "./max-pool-grad";
export { sumRows } from "./sum-rows";
export { allFinite } from "./all-finite";
export {
  add_vv,
  add_vs,
  add_sv,
  sub_vv,
  sub_vs,
  sub_sv,
  mul_vv,
  mul_vs,
  mul_sv,
  div_vv,
  div_vs,
  div_sv,
} from "./binary";
export { reluGrad } from "./relu-grad";
export { dropoutMask } from "./dropout-mask";
export { sigmoid, sigmoidGrad } from "./sigmoid";
export { copyRows } from "./copy-rows";
export { tokenRows } from "./token-rows";
export { scatterAddRows } from "./scatter-add-rows";
export { sgd } from "./sgd";
export { momentum, nesterov } from "./momentum";
export { rmsprop } from "./rmsprop";
export { adagrad } from "./adagrad";
export { adam } from "./adam";
export { recurrentSequence } from "./sequence";
export { filterGradientSparse } from "./filter-gradient-sparse";
export { inputGradientSparse } from "./input-gradient-sparse";
