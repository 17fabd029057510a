/**
 * Every op tslab-dl registers in tfjs's kernel registry, in one list (as tfjs-backend-wasm's
 * `register_all_kernels.ts`); each op's file says its kernel name, backend and role
 * (op-config.ts). `installFastOps` (../index.ts) registers from this list only. Where a kernel
 * has a `correct` op and a `replace` op, the `replace` one wraps the `correct` one.
 */
import { planStepConfig } from "../step-op";
import { adamConfig } from "./adam";
import { batchMatMulConfig } from "./batch-mat-mul";
import { binaryConfigs } from "./binary";
import { conv2DBackpropFilterConfig, conv2DBackpropFilterFastConfig } from "./conv2d-backprop-filter";
import { conv2DBackpropInputConfig } from "./conv2d-backprop-input";
import { conv2DConfig, fusedConv2DConfig } from "./conv2d";
import { fusedMatMulConfig } from "./fused-mat-mul";
import { gatherV2Config } from "./gather-v2";
import { identityConfig } from "./identity";
import { maxPoolGradConfig, maxPoolGradFastConfig } from "./max-pool-grad";
import type { OpConfig } from "./op-config";
import { sliceConfig } from "./slice";
import { sumConfig } from "./sum";
import { unsortedSegmentSumConfig } from "./unsorted-segment-sum";

export const OP_CONFIGS: readonly OpConfig[] = [
  // correct: registered for good
  conv2DBackpropFilterConfig,
  maxPoolGradConfig,
  unsortedSegmentSumConfig,
  // replace: the fast ops, each over the kernel registered before it
  batchMatMulConfig,
  fusedMatMulConfig,
  gatherV2Config,
  identityConfig,
  sliceConfig,
  sumConfig,
  ...binaryConfigs,
  conv2DBackpropFilterFastConfig,
  conv2DBackpropInputConfig,
  conv2DConfig,
  fusedConv2DConfig,
  maxPoolGradFastConfig,
  // add: tslab-dl's own ops
  adamConfig,
  planStepConfig,
];
