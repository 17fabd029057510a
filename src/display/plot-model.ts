/**
 * `plotModel`: Keras's `keras.utils.plot_model` without Graphviz — a diagram of
 * a model's layers, top to bottom, drawn as SVG in Node.
 */
import type { LayersModel } from "@tensorflow/tfjs";
import { writeFileAtomic } from "../io/atomic";
import { FigureError } from "./figure-spec";
import { textWidth } from "./geometry";
import { svgDataURI } from "./plotly-html";
import { JUPYTER_DISPLAY, type MimeBundle } from "./registry";
import { xmlEscape } from "./escape";
import { shapeText } from "./tfjs-format";

/** Options of {@link plotModel}, as `plot_model`'s keyword arguments. */
export interface PlotModelOptions {
  /** Show each layer's input and output shapes (Keras's `show_shapes`); default false. */
  showShapes?: boolean;
  /** Write the diagram to this `.svg` file too (atomically). */
  toFile?: string;
}

interface Box {
  label: string;
  input?: string;
  output?: string;
  /** Indices of the boxes feeding this one. */
  from: number[];
}

const ROW = 44;
const GAP = 30;
const PAD = 14;

type LayerLike = LayersModel["layers"][number];

function layerOf(value: unknown): value is LayerLike {
  return typeof value === "object" && value !== null && typeof (value as LayerLike).getClassName === "function";
}

function shapeOr(get: () => unknown): string | undefined {
  try {
    return shapeText(get());
  } catch {
    return "multiple";
  }
}

/** The boxes of a model: its input layers first, then its layers in order, with their links. */
function boxesOf(model: LayersModel): Box[] {
  const layers: LayerLike[] = [];
  for (const layer of model.layers) {
    // Input layers (a Sequential's is not in `layers`) come just before their first consumer.
    for (const source of layer.inboundNodes.flatMap((node) => node.inboundLayers)) {
      if (!layers.includes(source) && !model.layers.includes(source)) layers.push(source);
    }
    layers.push(layer);
  }
  return layers.map((layer) => {
    const inbound = layer.inboundNodes.flatMap((node) => node.inboundLayers);
    const isInput = layer.getClassName() === "InputLayer";
    return {
      label: `${layer.name}: ${layer.getClassName()}`,
      input: isInput
        ? undefined
        : shapeOr(() => {
            const input = layer.input;
            return Array.isArray(input) ? input.map((t) => t.shape) : input.shape;
          }),
      output: shapeOr(() => layer.outputShape),
      from: inbound.map((l) => layers.indexOf(l)).filter((i) => i >= 0),
    };
  });
}

/**
 * A model's diagram (`plot_model`): displays itself as a picture in a notebook,
 * and its SVG is in `svg`.
 *
 * @example
 * const diagram: ModelDiagram = plotModel(model, { showShapes: true });
 * diagram.svg.startsWith("<svg"); // true
 */
export class ModelDiagram {
  constructor(
    /** The diagram as an SVG document. */
    readonly svg: string,
    /** One line per layer (the text form). */
    readonly text: string,
  ) {}

  toString(): string {
    return this.text;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const size = /width="(\d+)" height="(\d+)"/.exec(this.svg);
    return {
      // An <img> in the HTML: untrusted notebooks show it (their sanitizers drop inline SVG).
      "text/html": `<img src="${svgDataURI(this.svg)}" width="${size?.[1]}" height="${size?.[2]}" alt="${xmlEscape(this.text)}">`,
      "image/svg+xml": this.svg,
      "text/plain": this.text,
    };
  }
}

/**
 * Draw a model's layers as boxes linked by arrows, as Keras's `plot_model`;
 * with `showShapes`, each box lists its input and output shapes.
 *
 * @example
 * plotModel(model);
 * plotModel(model, { showShapes: true, toFile: "cnn-architecture.svg" });
 */
export function plotModel(model: LayersModel, options: PlotModelOptions = {}): ModelDiagram {
  if (typeof model !== "object" || model === null || !Array.isArray(model.layers) || !model.layers.every(layerOf)) {
    throw new FigureError("plotModel: expected a tf.LayersModel (tf.sequential() or tf.model())");
  }
  if (options.toFile !== undefined && !/\.svg$/i.test(options.toFile)) {
    throw new FigureError(`plotModel: cannot write "${options.toFile}": the diagram is SVG, give a .svg file name`);
  }
  const boxes = boxesOf(model);
  const shapes = options.showShapes ?? false;
  const labelW = Math.max(...boxes.map((b) => textWidth(b.label, 13) * 1.1)) + 2 * PAD;
  const shapeW = shapes
    ? Math.max(
        ...boxes.map((b) =>
          Math.max(textWidth(`output: ${b.output ?? ""}`, 12), textWidth(`input: ${b.input ?? "-"}`, 12)),
        ),
      ) +
      2 * PAD
    : 0;
  const boxW = Math.ceil(labelW + shapeW);
  const width = boxW + 2 * 20 + 30;
  const height = boxes.length * ROW + (boxes.length - 1) * GAP + 2 * 16;
  const x0 = 20;
  const top = (i: number) => 16 + i * (ROW + GAP);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Arial, Helvetica, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<defs><marker id="arrow" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0 0L8 4L0 8Z" fill="#444"/></marker></defs>`,
  ];
  boxes.forEach((b, i) => {
    const y = top(i);
    out.push(
      `<g class="layer"><rect x="${x0}" y="${y}" width="${boxW}" height="${ROW}" fill="#f3f6fb" stroke="#444"/>`,
      `<text class="layer-name" x="${x0 + PAD}" y="${y + ROW / 2 + 5}" font-size="13" fill="#222">${xmlEscape(b.label)}</text>`,
    );
    if (shapes) {
      const sx = x0 + labelW;
      out.push(
        `<line x1="${sx}" y1="${y}" x2="${sx}" y2="${y + ROW}" stroke="#444"/>`,
        `<text class="shape" x="${sx + PAD}" y="${y + 17}" font-size="12" fill="#333">input: ${xmlEscape(b.input ?? "-")}</text>`,
        `<text class="shape" x="${sx + PAD}" y="${y + 35}" font-size="12" fill="#333">output: ${xmlEscape(b.output ?? "")}</text>`,
      );
    }
    out.push(`</g>`);
    for (const f of b.from) {
      const cx = x0 + boxW / 2;
      if (f === i - 1) {
        out.push(
          `<line class="link" x1="${cx}" y1="${top(f) + ROW}" x2="${cx}" y2="${y - 1}" stroke="#444" marker-end="url(#arrow)"/>`,
        );
      } else {
        // A link that skips boxes goes round them on the right.
        const rx = x0 + boxW;
        out.push(
          `<path class="link" d="M${rx} ${top(f) + ROW / 2}C${rx + 40} ${top(f) + ROW / 2} ${rx + 40} ${y + ROW / 2} ${rx + 1} ${y + ROW / 2}" fill="none" stroke="#444" marker-end="url(#arrow)"/>`,
        );
      }
    }
  });
  out.push(`</svg>`);
  const text = boxes
    .map((b) => (shapes ? `${b.label}  input: ${b.input ?? "-"}  output: ${b.output ?? ""}` : b.label))
    .join("\n");
  const diagram = new ModelDiagram(out.join("\n"), text);
  if (options.toFile !== undefined) writeFileAtomic(options.toFile, diagram.svg);
  return diagram;
}
