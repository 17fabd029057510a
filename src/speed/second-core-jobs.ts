/**
 * The parts of a layer's work the second core (second-core.ts) can take, as messages a worker
 * can receive, and the one table that runs each: the same functions the layer runs on tfjs's
 * heap, at the shared memory's addresses.
 */
import type * as tf from "@tensorflow/tfjs";
import type { AsOps, GemmArgs } from "./as-ops";
import { filterGradientAt } from "./ops/conv2d-backprop-filter";
import { inputGradientAt } from "./ops/conv2d-backprop-input";
import { convolveAt } from "./ops/conv2d";

type Info = tf.backend_util.Conv2DInfo;

/** y = conv(x, filter) (+ bias) (relu) for some images: {@link convolveAt}. */
interface ConvolveJob {
  kind: "convolve";
  info: Info;
  scratch: number[];
  x: number;
  filter: number;
  bias: number;
  relu: boolean;
  y: number;
}

/** dx = col2im(dy · Wᵀ) for some images: {@link inputGradientAt}. */
interface InputGradientJob {
  kind: "inputGradient";
  info: Info;
  scratch: number[];
  dy: number;
  filter: number;
  dx: number;
}

/** Some columns of dW = im2col(x)ᵀ · dy: {@link filterGradientAt}. */
interface FilterGradientJob {
  kind: "filterGradient";
  info: Info;
  scratch: number[];
  x: number;
  dy: number;
  dW: number;
  columns: [from: number, count: number];
}

/** Some columns of a matrix product: {@link AsOps.gemm}'s arguments, at the shared memory's addresses. */
interface GemmJob {
  kind: "gemm";
  args: GemmArgs;
}

/** The optimizer updates a part may run: element-wise passes over a variable and its slots (optimizers.ts). */
export const UPDATE_OPS = ["sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adam"] as const;
type UpdateOp = (typeof UPDATE_OPS)[number];

/** An optimizer's update of some of a variable's elements: the op's own arguments, at the shared memory's addresses. */
interface UpdateJob {
  kind: "update";
  op: UpdateOp;
  args: number[];
}

export type SecondCoreJob = ConvolveJob | InputGradientJob | FilterGradientJob | GemmJob | UpdateJob;

type Heap = { HEAP32: Int32Array };

/** How each kind of part runs. */
const RUN_JOB: {
  [K in SecondCoreJob["kind"]]: (ops: AsOps, heap: Heap, job: Extract<SecondCoreJob, { kind: K }>) => void;
} = {
  convolve: (ops, heap, j) => convolveAt(ops, heap, j.info, j.scratch, j.x, j.filter, j.bias, j.relu, j.y),
  inputGradient: (ops, heap, j) => inputGradientAt(ops, heap, j.info, j.scratch, j.dy, j.filter, j.dx),
  filterGradient: (ops, heap, j) => filterGradientAt(ops, heap, j.info, j.scratch, j.x, j.dy, j.dW, j.columns),
  gemm: (ops, _heap, j) => ops.gemm(...j.args),
  update: (ops, _heap, j) => {
    if (!UPDATE_OPS.includes(j.op)) throw new Error(`no update op ${JSON.stringify(j.op)}`);
    (ops[j.op] as (...args: number[]) => void)(...j.args);
  },
};

/** Run `job` with `ops` on the memory `heap` views. */
export function runJob(ops: AsOps, heap: Heap, job: SecondCoreJob): void {
  if (!Object.hasOwn(RUN_JOB, job.kind)) throw new Error(`no part of the kind ${JSON.stringify(job.kind)}`);
  (RUN_JOB[job.kind] as (ops: AsOps, heap: Heap, job: SecondCoreJob) => void)(ops, heap, job);
}
