/**
 * tslab-dl's ops in AssemblyScript, one file per op; this list is the module's exports.
 * Built by `npm run build` (see asconfig.json) into dist/src/speed/as/ops{,-fma}.wasm and
 * loaded by src/speed/as-ops.ts onto tfjs-backend-wasm's own memory.
 */
export { gemm, gemmPatches, gemmPatchesT, gemmSkipZeros } from "./gemm";
export { im2col } from "./im2col";
export { col2im } from "./col2im";
export { transpose } from "./transpose";
export { maxPool } from "./max-pool";
export { avgPool, avgPoolGrad } from "./avg-pool";
export { maxPoolGrad } from "./max-pool-grad";
export { biasRelu } from "./bias-relu";
export { sumRows } from "./sum-rows";
export { allFinite } from "./all-finite";
export { lstmForward, lstmBackward } from "./lstm";
export { simpleRnnForward, simpleRnnBackward } from "./simple-rnn";
export { gruForward, gruBackward } from "./gru";
