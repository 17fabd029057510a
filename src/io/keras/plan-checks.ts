/**
 * What Keras validates in a model config that the layer tables do not, checked
 * on the plan before tfjs builds anything (kept apart from config/, which
 * translates settings one by one):
 *
 * - a Dropout rate must be a number in [0, 1) (Keras raises ValueError; tfjs
 *   would divide by a keep probability of 0);
 * - layer names are unique within a model (Keras raises ValueError; tfjs would
 *   throw its own RuntimeError halfway through the build);
 * - a layer name must be one an `.h5` file can hold, so that a model loaded
 *   here can be saved again: no `/` (HDF5's path separator), not `.` or `..`,
 *   not `top_level_model_weights` (Keras's group for a model's own weights);
 * - at most {@link MAX_LAYERS} layers: tfjs builds a model's graph
 *   recursively, one stack frame per layer, and a deeper one exhausts the
 *   stack (a RangeError) instead of loading.
 */
import { ConfigProblem } from "./config/json";
import type { ModelPlan } from "./config/read";

/** Most layers in a model read from a file; the deepest Keras applications have under 1,000. */
const MAX_LAYERS = 2000;

/** Names Keras's `.h5` layout keeps for itself. */
const RESERVED_NAMES = new Set(["top_level_model_weights"]);

/** The first few items of a long list, and how many more. */
function some(items: string[], n = 5): string {
  const shown = items.slice(0, n).map((s) => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s));
  return items.length > n ? `${shown.join(", ")} and ${items.length - n} more` : shown.join(", ");
}

/**
 * Refuse a plan Keras itself would refuse, or that could be loaded but never
 * saved; throws a {@link ConfigProblem} naming the layer, else returns the plan.
 *
 * @example
 * const plan = checkPlan(readModelConfig(config)); // before buildModel
 */
export function checkPlan(plan: ModelPlan): ModelPlan {
  if (plan.layers.length > MAX_LAYERS) {
    throw new ConfigProblem(
      `the model has ${plan.layers.length} layers, more than the ${MAX_LAYERS} tslab-dl builds ` +
        "(tfjs builds a model's graph recursively, and a deeper one exhausts the stack)",
    );
  }
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const p of plan.layers) {
    const here = `layer "${p.name.length > 60 ? `${p.name.slice(0, 60)}…` : p.name}" (${p.className})`;
    if (seen.has(p.name)) twice.push(p.name);
    seen.add(p.name);
    if (p.name === "" || p.name.includes("/") || p.name === "." || p.name === ".." || RESERVED_NAMES.has(p.name)) {
      throw new ConfigProblem(
        `${here}: the name cannot be saved as an .h5 group (expected a name without "/", other than ".", ".." ` +
          'and "top_level_model_weights"); rename the layer in Keras and save the model again',
      );
    }
    if (p.className === "Dropout") {
      const rate = p.args.rate;
      if (typeof rate !== "number" || !(rate >= 0 && rate < 1)) {
        throw new ConfigProblem(
          `${here}: rate = ${JSON.stringify(rate)}; expected a number in [0, 1) (the fraction of inputs to drop), ` +
            "as Keras requires",
        );
      }
    }
  }
  if (twice.length > 0) {
    throw new ConfigProblem(
      `the model has ${twice.length} layer name(s) used more than once: ${some([...new Set(twice)])}; ` +
        "expected unique names, as Keras requires",
    );
  }
  return plan;
}
