/**
 * Keras's GRU with `reset_after=True` (Keras's default since 2.x, and the
 * layout of every GRU a Keras file holds: bias of shape [2, 3·units]), which
 * tfjs 4.22's GRU refuses. Written with public tfjs ops only, so tfjs
 * differentiates it and a model holding it trains.
 *
 * The step is Keras 3's `GRUCell.call` (keras/src/layers/rnn/gru.py), gates
 * in Keras's order z, r, h:
 *
 *     x_z, x_r, x_h = x·W + b_input
 *     u_z, u_r, u_h = h_prev·U + b_recurrent
 *     z = σ(x_z + u_z),  r = σ(x_r + u_r)
 *     hh = tanh(x_h + r * u_h)
 *     h = z * h_prev + (1 − z) * hh
 *
 * `reset_after=False` GRUs are tfjs's own `tf.layers.gru` (the same
 * equations as Keras's). Dropout and recurrent dropout apply in training only,
 * one mask per sequence (Keras draws one per call as well; with
 * recurrent_dropout Keras 3 draws a separate mask for each of the three gates,
 * this layer one shared by them). Not supported: go_backwards, stateful,
 * return_state, masking, unroll.
 */
import { tf } from "../backend";
import { kerasGruSequence, sequenceOp, sequenceOpsOn } from "../speed/recurrent/fused-call";

type Initializer = ReturnType<typeof tf.initializers.zeros>;
type Regularizer = ReturnType<typeof tf.regularizers.l1l2>;
type Constraint = ReturnType<typeof tf.constraints.nonNeg>;
/** An activation identifier as tfjs names them ("tanh", "sigmoid", "hardSigmoid"). */
type ActivationName = Parameters<typeof tf.layers.activation>[0]["activation"];

/** The settings of {@link KerasGRU}, in tfjs's words (those of `tf.layers.gru`). */
export interface KerasGRUArgs {
  units: number;
  /** Default `"tanh"`. */
  activation?: ActivationName;
  /** Default `"sigmoid"` (Keras's; tfjs's own GRU defaults to `"hardSigmoid"`). */
  recurrentActivation?: ActivationName;
  /** Default true. */
  useBias?: boolean;
  /** Default Glorot uniform (Keras's). */
  kernelInitializer?: Initializer;
  /** Default orthogonal. */
  recurrentInitializer?: Initializer;
  /** Default zeros. */
  biasInitializer?: Initializer;
  kernelRegularizer?: Regularizer;
  recurrentRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
  kernelConstraint?: Constraint;
  recurrentConstraint?: Constraint;
  biasConstraint?: Constraint;
  /** Fraction of the input units dropped in training. Default 0. */
  dropout?: number;
  /** Fraction of the state units dropped (for the recurrent product) in training. Default 0. */
  recurrentDropout?: number;
  /** The whole sequence of states ([batch, time, units]) rather than the last ([batch, units]). Default false. */
  returnSequences?: boolean;
  name?: string;
  trainable?: boolean;
  inputShape?: (number | null)[];
  batchInputShape?: (number | null)[];
}

/** A serialized tfjs object ({className, config}) back to the object, through tfjs's registry. */
function revive<T>(v: unknown): T | undefined {
  if (v === null || v === undefined) return undefined;
  const o = v as { className?: unknown; config?: unknown };
  if (typeof o.className !== "string") return v as T;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[o.className];
  if (!entry) throw new Error(`KerasGRU: no tfjs class ${o.className} to rebuild a setting from`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, (o.config ?? {}) as tf.serialization.ConfigDict) as T;
}

function serialized(v: { getClassName(): string; getConfig(): tf.serialization.ConfigDict } | undefined): unknown {
  return v ? { className: v.getClassName(), config: v.getConfig() } : null;
}

/**
 * Keras's GRU with `reset_after=True`, as a tfjs layer: Keras's weights
 * (`kernel` [features, 3·units], `recurrent_kernel` [units, 3·units], `bias`
 * [2, 3·units]: input bias, then recurrent bias) load into it unchanged, and it
 * computes what Keras computes. `loadModel` builds it for every Keras GRU with
 * `reset_after=True`; it saves back as Keras's `GRU`.
 *
 * @example
 * const model = tf.sequential();
 * model.add(tf.layers.embedding({ inputDim: 500, outputDim: 16, inputLength: 100 }));
 * model.add(new KerasGRU({ units: 8 }));
 * model.add(tf.layers.dense({ units: 1, activation: "sigmoid" }));
 */
export class KerasGRU extends tf.layers.Layer {
  /** The name tfjs's registry knows this class by; distinct from tfjs's own "GRU". */
  static readonly className = "KerasGRU";
  readonly units: number;
  readonly returnSequences: boolean;
  readonly useBias: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  private readonly args: KerasGRUArgs;
  private readonly act: tf.layers.Layer;
  private readonly recurrentAct: tf.layers.Layer;
  private kernel?: tf.LayerVariable;
  private recurrentKernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: KerasGRUArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units <= 0) {
      throw new Error(`KerasGRU: units must be a positive integer, found ${args.units}`);
    }
    this.args = { activation: "tanh", recurrentActivation: "sigmoid", ...args };
    this.units = args.units;
    this.returnSequences = args.returnSequences === true;
    this.useBias = args.useBias !== false;
    this.dropout = Math.min(1, Math.max(0, args.dropout ?? 0));
    this.recurrentDropout = Math.min(1, Math.max(0, args.recurrentDropout ?? 0));
    // Named, so that they take no number from tfjs's automatic layer names.
    this.act = tf.layers.activation({ activation: this.args.activation!, name: `${this.name}_activation` });
    this.recurrentAct = tf.layers.activation({
      activation: this.args.recurrentActivation!,
      name: `${this.name}_recurrent_activation`,
    });
    this.inputSpec = [{ ndim: 3 }];
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const features = shape[shape.length - 1];
    if (features === null) throw new Error(`KerasGRU "${this.name}": the input's last dimension must be known`);
    const u = this.units;
    const a = this.args;
    this.kernel = this.addWeight(
      "kernel",
      [features, 3 * u],
      "float32",
      a.kernelInitializer ?? tf.initializers.glorotUniform({}),
      a.kernelRegularizer,
      true,
      a.kernelConstraint,
    );
    this.recurrentKernel = this.addWeight(
      "recurrent_kernel",
      [u, 3 * u],
      "float32",
      a.recurrentInitializer ?? tf.initializers.orthogonal({}),
      a.recurrentRegularizer,
      true,
      a.recurrentConstraint,
    );
    if (this.useBias) {
      this.bias = this.addWeight(
        "bias",
        [2, 3 * u],
        "float32",
        a.biasInitializer ?? tf.initializers.zeros(),
        a.biasRegularizer,
        true,
        a.biasConstraint,
      );
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return this.returnSequences ? [shape[0], shape[1], this.units] : [shape[0], this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { [key: string]: unknown }): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [batch, steps, features] = x.shape;
      const u = this.units;
      const training = kwargs.training === true;
      const kernel = this.kernel!.read();
      const recurrentKernel = this.recurrentKernel!.read();
      const [inputBias, recurrentBias] = this.bias ? tf.unstack(this.bias.read(), 0) : [undefined, undefined];
      const fused = this.fusedCall(x, training);
      if (fused) return fused;
      let xs = x;
      if (training && this.dropout > 0 && this.dropout < 1) {
        xs = xs.mul(tf.dropout(tf.ones([batch, 1, features]), this.dropout));
      }
      // Every step's input projection at once: [batch·time, features]·[features, 3·units].
      let projected = xs.reshape([batch * steps, features]).matMul(kernel);
      if (inputBias) projected = projected.add(inputBias);
      const perStep = tf.unstack(projected.reshape([batch, steps, 3 * u]), 1);
      const recurrentMask =
        training && this.recurrentDropout > 0 && this.recurrentDropout < 1
          ? tf.dropout(tf.ones([batch, u]), this.recurrentDropout)
          : undefined;
      let h: tf.Tensor = tf.zeros([batch, u]);
      const states: tf.Tensor[] = [];
      for (const xt of perStep) {
        let inner = (recurrentMask ? h.mul(recurrentMask) : h).matMul(recurrentKernel);
        if (recurrentBias) inner = inner.add(recurrentBias);
        const [xz, xr, xh] = tf.split(xt, 3, 1);
        const [uz, ur, uh] = tf.split(inner, 3, 1);
        const z = this.recurrentAct.apply(xz.add(uz)) as tf.Tensor;
        const r = this.recurrentAct.apply(xr.add(ur)) as tf.Tensor;
        const hh = this.act.apply(xh.add(r.mul(uh))) as tf.Tensor;
        h = z.mul(h).add(tf.onesLike(z).sub(z).mul(hh));
        if (this.returnSequences) states.push(h);
      }
      return this.returnSequences ? tf.stack(states, 1) : h;
    });
  }

  /**
   * The whole sequence as one op (src/speed/recurrent/: the forward pass and backpropagation
   * through time in one call each), where the fast ops run on wasm and the activations are
   * tanh with sigmoid or hardSigmoid gates; null for the step-by-step ops above. The dropout
   * masks are drawn as the step-by-step path draws them, so a seeded fit is the same either way.
   */
  private fusedCall(x: tf.Tensor, training: boolean): tf.Tensor | null {
    const gate = this.args.recurrentActivation;
    if (!sequenceOpsOn() || this.args.activation !== "tanh" || (gate !== "sigmoid" && gate !== "hardSigmoid"))
      return null;
    if (x.rank !== 3 || x.dtype !== "float32") return null;
    const [batch, , features] = x.shape;
    const mask = (shape: number[], rate: number): Float32Array | null =>
      training && rate > 0 && rate < 1 ? Float32Array.from(tf.dropout(tf.ones(shape), rate).dataSync()) : null;
    const masks = {
      input: mask([batch, 1, features], this.dropout),
      recurrent: mask([batch, this.units], this.recurrentDropout),
    };
    const weights = [this.kernel!.read(), this.recurrentKernel!.read(), ...(this.bias ? [this.bias.read()] : [])];
    return sequenceOp(kerasGruSequence, x, weights, {
      units: this.units,
      gate,
      masks,
      returnSequences: this.returnSequences,
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const a = this.args;
    return {
      ...super.getConfig(),
      units: this.units,
      activation: a.activation!,
      recurrentActivation: a.recurrentActivation!,
      useBias: this.useBias,
      kernelInitializer: serialized(a.kernelInitializer ?? tf.initializers.glorotUniform({})),
      recurrentInitializer: serialized(a.recurrentInitializer ?? tf.initializers.orthogonal({})),
      biasInitializer: serialized(a.biasInitializer ?? tf.initializers.zeros()),
      kernelRegularizer: serialized(a.kernelRegularizer),
      recurrentRegularizer: serialized(a.recurrentRegularizer),
      biasRegularizer: serialized(a.biasRegularizer),
      kernelConstraint: serialized(a.kernelConstraint),
      recurrentConstraint: serialized(a.recurrentConstraint),
      biasConstraint: serialized(a.biasConstraint),
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      resetAfter: true,
      returnSequences: this.returnSequences,
    } as tf.serialization.ConfigDict;
  }

  /** Rebuild from `getConfig()` (tfjs's own model files): settings arrive serialized. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const c = config as { [k: string]: unknown };
    const args: { [k: string]: unknown } = { ...c };
    delete args.resetAfter;
    for (const key of [
      "kernelInitializer",
      "recurrentInitializer",
      "biasInitializer",
      "kernelRegularizer",
      "recurrentRegularizer",
      "biasRegularizer",
      "kernelConstraint",
      "recurrentConstraint",
      "biasConstraint",
    ] as const) {
      args[key] = revive(c[key]);
    }
    return new cls(args as tf.serialization.ConfigDict);
  }
}

tf.serialization.registerClass(KerasGRU);
