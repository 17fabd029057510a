/**
 * The part of Python's `str.format` that Keras checkpoint paths use:
 * `{epoch:02d}`, `{val_loss:.2f}`, `{accuracy:.4f}`, `{loss:e}`, `{epoch}`.
 */

/**
 * Raised when a checkpoint path template cannot be filled in (an unknown key, a bad format).
 *
 * @example
 * new ModelCheckpoint("model-{epoch:02d}-{val_los:.2f}.h5"); // at the first save: PathTemplateError naming val_los
 */
export class PathTemplateError extends Error {
  override name = "PathTemplateError";
}

/** The widest field a file name can hold (NAME_MAX). */
const MAX_WIDTH = 255;
/** The most digits `toFixed` and `toExponential` give. */
const MAX_PRECISION = 100;

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(0)?(\d+)?(,)?(?:\.(\d+))?([bdeEfFgGn%s])?$/;

function formatNumber(value: number, spec: string, template: string, key: string): string {
  const m = SPEC.exec(spec);
  if (!m) throw new PathTemplateError(`checkpoint path "${template}": invalid format spec "${spec}" for {${key}}`);
  const [, fill, align, sign, zero, widthText, , precisionText, type] = m;
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  // A file name is at most 255 bytes (NAME_MAX), and toFixed takes at most 100 digits.
  if ((widthText !== undefined && Number(widthText) > MAX_WIDTH) || (precision ?? 0) > MAX_PRECISION) {
    throw new PathTemplateError(
      `checkpoint path "${template.slice(0, 200)}": {${key}:${spec.slice(0, 40)}} asks for a width over ${MAX_WIDTH} ` +
        `or a precision over ${MAX_PRECISION}; a file name holds at most ${MAX_WIDTH} bytes`,
    );
  }
  let body: string;
  switch (type) {
    case "d":
    case "n":
      if (!Number.isInteger(value)) {
        throw new PathTemplateError(
          `checkpoint path "${template}": {${key}:${spec}} needs an integer, but ${key} is ${value}`,
        );
      }
      body = Math.abs(value).toString();
      break;
    case "f":
    case "F":
      body = Math.abs(value).toFixed(precision ?? 6);
      break;
    case "e":
    case "E": {
      const [mant, exp] = Math.abs(value)
        .toExponential(precision ?? 6)
        .split("e");
      const e = Number(exp);
      body = `${mant}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
      if (type === "E") body = body.toUpperCase();
      break;
    }
    case "%":
      body = `${(Math.abs(value) * 100).toFixed(precision ?? 6)}%`;
      break;
    case "g":
    case "G":
    case undefined:
      body =
        precision === undefined
          ? Number.isInteger(value)
            ? Math.abs(value).toString()
            : Math.abs(value).toString()
          : Number(Math.abs(value).toPrecision(Math.max(precision, 1))).toString();
      break;
    default:
      body = String(Math.abs(value));
  }
  const signText = value < 0 || Object.is(value, -0) ? "-" : sign === "+" ? "+" : sign === " " ? " " : "";
  const width = widthText === undefined ? 0 : Number(widthText);
  if (zero && !align) return signText + body.padStart(Math.max(0, width - signText.length), "0");
  return pad(signText + body, width, fill ?? " ", align ?? ">");
}

function pad(text: string, width: number, fill: string, align: string): string {
  if (text.length >= width) return text;
  const n = width - text.length;
  if (align === "<") return text + fill.repeat(n);
  if (align === "^") return fill.repeat(Math.floor(n / 2)) + text + fill.repeat(Math.ceil(n / 2));
  return fill.repeat(n) + text;
}

/**
 * Fill a Keras checkpoint path template with the epoch (1-based, as Keras
 * names files) and the epoch's logs.
 *
 * @example
 * formatPath("ckpt-{epoch:02d}-{val_loss:.2f}.h5", { epoch: 3, val_loss: 0.3312 }); // "ckpt-03-0.33.h5"
 */
export function formatPath(template: string, values: { [key: string]: number }): string {
  return template.replace(
    /\{\{|\}\}|\{([^{}:!]*)(?:![rsa])?(?::([^{}]*))?\}/g,
    (whole, key?: string, spec?: string) => {
      if (whole === "{{") return "{";
      if (whole === "}}") return "}";
      const name = key ?? "";
      // An own property only: {constructor} or {toString} is an unknown key, as Python's KeyError says.
      if (!Object.hasOwn(values, name) || typeof values[name] !== "number") {
        throw new PathTemplateError(
          `Failed to format this callback filepath: "${template}". Reason: no value named "${name}"; ` +
            `available: ${Object.keys(values).join(", ")}`,
        );
      }
      return formatNumber(values[name], spec ?? "", template, name);
    },
  );
}
