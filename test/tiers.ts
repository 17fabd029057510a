/**
 * Which compiled test files belong to the slow tier, and why. Everything else is the unit
 * tier (`npm run test:unit`, under a minute): pure functions, kernels on small tensors,
 * file formats on temporary files. `npm test` runs both tiers, as CI does.
 */
export const SLOW_TESTS: ReadonlyArray<{ pattern: RegExp; why: string }> = [
  { pattern: /^browser\//, why: "Chromium and a Jupyter server" },
  { pattern: /^notebooks\//, why: "executes the lesson notebooks with nbconvert" },
  { pattern: /^package\//, why: "packs and installs the package, runs Jupyter" },
  { pattern: /^training\.test\.js$/, why: "trains the lesson's model on the real Fashion-MNIST" },
  {
    pattern: /^kernel\/(conformance|[\w-]+\.integration|comms)\.test\.js$/,
    why: "starts kernels through jupyter_client",
  },
  { pattern: /^kernel\/install\.test\.js$/, why: "runs jupyter kernelspec" },
  { pattern: /^io\/keras-(layout|fixtures)\.test\.js$/, why: "h5py and ../shared's real Keras files" },
  { pattern: /^io\/keras-(errors|roundtrip)\.test\.js$/, why: "HDF5 in worker threads with time limits, many files" },
  {
    pattern:
      /^(io\/keras-hostile-|io\/tfjs-hostile|io\/hostile-|data\/(fashion-mnist|imdb)-hostile|callbacks\/[\w-]+-hostile)/,
    why: "each hostile file is refused in a fresh process, memory measured",
  },
  { pattern: /^package\.test\.js$/, why: "type-checks the package as users import it, three ways" },
  { pattern: /^speed\/(fit|cnn-training|conv-fit)\.test\.js$/, why: "trains on the real Fashion-MNIST" },
  { pattern: /^speed\/lstm-text\.test\.js$/, why: "trains the book's 9-3 LSTM on 6,046 real e-mails" },
  { pattern: /^callbacks\/early-stopping\.test\.js$/, why: "one test trains on the real Fashion-MNIST" },
  { pattern: /^data\/fashion-mnist\.test\.js$/, why: "reads the real Fashion-MNIST files" },
  { pattern: /^keras\/fit\.test\.js$/, why: "trains on the real Fashion-MNIST; HDF5 in worker threads" },
];

/** Whether a test file (relative to dist/test, with forward slashes) is in the slow tier. */
export function isSlow(relative: string): boolean {
  return SLOW_TESTS.some(({ pattern }) => pattern.test(relative));
}
