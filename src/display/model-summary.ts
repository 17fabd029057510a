/**
 * A model's summary as Keras 3 prints it (`model.summary()` and a model as a cell's value), and a
 * list of layers (`model.layers`) in a few lines.
 *
 * Keras 3 draws its summary with `rich`: a table with heavy head rules, a rule between rows,
 * columns Layer (type) / Output Shape / Param # (and Connected to for a functional model that is
 * not a chain), then the totals with their size in memory:
 *
 * ```
 * Model: "sequential"
 * ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
 * ┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃
 * ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
 * │ dense (Dense)                        │ (None, 10)                  │           7,850 │
 * └──────────────────────────────────────┴─────────────────────────────┴─────────────────┘
 *  Total params: 7,850 (30.66 KB)
 *  Trainable params: 7,850 (30.66 KB)
 *  Non-trainable params: 0 (0.00 B)
 * ```
 *
 * Importing this module patches tfjs's `model.summary()` (through `speed/internals`, the one
 * module that touches tfjs's internals) so that it prints this wherever it is called: in a
 * notebook as the HTML table with this text as `text/plain`, elsewhere as text; a `printFn`
 * passed by the caller gets these lines, one call each, as tfjs's does.
 */
import type * as tfjs from "@tensorflow/tfjs";
import { inboundNodes, modelNodes, patchModelSummary, type SummaryArgs } from "../speed/internals";
import { xmlEscape } from "./escape";
import { JUPYTER_DISPLAY, currentBridge, display, registerFormatter, type MimeBundle } from "./registry";
import { shapeText } from "./tfjs-format";

interface LayerShape {
  name: string;
  built?: boolean;
  getClassName(): string;
  countParams(): number;
  outputShape?: unknown;
}

interface WeightShape {
  shape: Array<number | null>;
  dtype?: string;
}

interface ModelShape extends LayerShape {
  layers: LayerShape[];
  trainableWeights: WeightShape[];
  nonTrainableWeights: WeightShape[];
  summary(lineLength?: number, positions?: number[], printFn?: (message?: unknown) => void): void;
}

/** Whether a value is shaped like a tfjs LayersModel / Sequential. */
function isLayersModel(value: unknown): value is ModelShape {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<Record<keyof ModelShape, unknown>>;
  return (
    Array.isArray(v.layers) &&
    typeof v.summary === "function" &&
    Array.isArray(v.trainableWeights) &&
    Array.isArray(v.nonTrainableWeights)
  );
}

/** Whether a value is shaped like a tfjs layer (copies of tfjs differ, so no instanceof). */
function isLayer(value: unknown): value is LayerShape {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<Record<keyof LayerShape, unknown>>;
  return typeof v.name === "string" && typeof v.getClassName === "function" && typeof v.countParams === "function";
}

interface Row {
  layer: string;
  type: string;
  outputShape: string;
  params: string;
  connectedTo: string;
}

function outputShapeOf(layer: LayerShape): string {
  try {
    return shapeText(layer.outputShape);
  } catch {
    return "?"; // Keras's mark for a layer never called
  }
}

/** Keras's Param # cell: `78,500`, or `0 (unbuilt)`. */
function paramsOf(layer: LayerShape): string {
  if (layer.built === false) return "0 (unbuilt)";
  try {
    return thousands(layer.countParams());
  } catch {
    return "0 (unbuilt)";
  }
}

/**
 * Whether Keras prints the model as a chain (no Connected to column): a Sequential, or a functional
 * model whose every depth has one node with one inbound layer and no layer used twice (Keras 3's
 * `print_summary`, as tfjs's `isModelSequentialLike`).
 */
function sequentialLike(model: ModelShape): boolean {
  if (model.getClassName() === "Sequential") return true;
  const nodes = modelNodes(model as unknown as tfjs.LayersModel);
  const byDepth = (model as unknown as { nodesByDepth?: { [d: string]: unknown[] } }).nodesByDepth ?? {};
  if (Object.values(byDepth).some((n) => n.length > 1)) return false;
  if (nodes.some((n) => n.inboundLayers.length > 1)) return false;
  return model.layers.every(
    (layer) => inboundNodes(layer as unknown as tfjs.layers.Layer).filter((n) => nodes.includes(n)).length <= 1,
  );
}

/** Keras's Connected to cell: `dense[0][0], dense_1[0][0]`, or `-` for an input. */
function connectionsOf(layer: LayerShape, relevant: unknown[]): string {
  const parts: string[] = [];
  for (const node of inboundNodes(layer as unknown as tfjs.layers.Layer)) {
    if (relevant.length > 0 && !relevant.includes(node)) continue;
    node.inboundLayers.forEach((inbound, i) => {
      parts.push(`${inbound.name}[${node.nodeIndices[i]}][${node.tensorIndices[i]}]`);
    });
  }
  return parts.length > 0 ? parts.join(", ") : "-";
}

function modelRows(model: ModelShape, chain: boolean): Row[] {
  const relevant = chain ? [] : modelNodes(model as unknown as tfjs.LayersModel);
  return model.layers.map((layer) => ({
    layer: layer.name,
    type: layer.getClassName(),
    outputShape: outputShapeOf(layer),
    params: paramsOf(layer),
    connectedTo: chain ? "" : connectionsOf(layer, relevant),
  }));
}

function thousands(n: number): string {
  return n.toLocaleString("en-US");
}

/** Bytes per value of a tfjs dtype. */
function dtypeBytes(dtype: string | undefined): number {
  return dtype === "bool" ? 1 : dtype === "complex64" ? 8 : 4;
}

function weightCount(weights: WeightShape[]): number {
  return weights.reduce((a, w) => a + w.shape.reduce((p: number, d) => p * (d ?? 0), 1), 0);
}

function weightBytes(weights: WeightShape[]): number {
  return weights.reduce((a, w) => a + w.shape.reduce((p: number, d) => p * (d ?? 0), 1) * dtypeBytes(w.dtype), 0);
}

/** Keras's `readable_memory_size`: `310.59 KB`, `0.00 B`. */
function readableSize(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  let size = bytes;
  for (const unit of units) {
    if (size / 1024 < 1) return `${size.toFixed(2)} ${unit}`;
    size /= 1024;
  }
  return `${size.toFixed(2)} PB`;
}

/** The totals lines Keras prints under the table. */
function totals(model: ModelShape): Array<[label: string, count: number, bytes: number]> {
  const trainable: [number, number] = [weightCount(model.trainableWeights), weightBytes(model.trainableWeights)];
  const frozen: [number, number] = [weightCount(model.nonTrainableWeights), weightBytes(model.nonTrainableWeights)];
  return [
    ["Total params", trainable[0] + frozen[0], trainable[1] + frozen[1]],
    ["Trainable params", ...trainable],
    ["Non-trainable params", ...frozen],
  ];
}

/** Python's `round`: halves go to the even neighbour (rich's `ratio_reduce` relies on it). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Column content widths as Keras asks rich for them and rich fits them: each column
 * `positions[i] * lineLength` minus the previous one, plus one space of padding each side; the
 * excess over `lineLength` less the borders is taken evenly from the columns (rich's `ratio_reduce`).
 */
function columnWidths(lineLength: number, positions: number[]): number[] {
  const absolute = positions[positions.length - 1] > 1;
  let current = 0;
  const cells = positions.map((p) => {
    const width = (absolute ? Math.floor(p) : Math.floor(p * lineLength)) - current;
    if (width < 4)
      throw new RangeError(
        `model.summary: a column of ${width} characters is too narrow (lineLength ${lineLength}, positions ${JSON.stringify(positions)}); give at least 4 each`,
      );
    current += width;
    return width + 2;
  });
  let excess = cells.reduce((a, b) => a + b, 0) - (lineLength - (cells.length + 1));
  let ratio = cells.length;
  return cells.map((cell) => {
    const taken = excess > 0 ? Math.min(cell, roundHalfEven(excess / ratio)) : 0;
    excess -= taken;
    ratio -= 1;
    return Math.max(1, cell - taken - 2);
  });
}

/** A cell's text wrapped to `width` (at spaces; a longer word is cut), as rich wraps a cell. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    let rest = word;
    while (rest.length > width) {
      if (line) lines.push(line);
      line = "";
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    if (!line) line = rest;
    else if (line.length + 1 + rest.length <= width) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  lines.push(line);
  return lines;
}

/** One table row (possibly several lines): cells padded to their widths, `right` aligned where asked. */
function tableRow(cells: string[], widths: number[], right: boolean[], bar: string): string[] {
  const wrapped = cells.map((c, i) => wrap(c, widths[i]));
  const height = Math.max(...wrapped.map((w) => w.length));
  const lines: string[] = [];
  for (let k = 0; k < height; k++) {
    const parts = wrapped.map((w, i) => {
      const text = w[k] ?? "";
      return ` ${right[i] ? text.padStart(widths[i]) : text.padEnd(widths[i])} `;
    });
    lines.push(`${bar}${parts.join(bar)}${bar}`);
  }
  return lines;
}

function rule(widths: number[], [left, fill, cross, right]: string): string {
  return `${left}${widths.map((w) => fill.repeat(w + 2)).join(cross)}${right}`;
}

/**
 * The lines of a model's summary as Keras 3 prints it. `lineLength` (default 88, or 108 with a
 * Connected to column) and `positions` (each column's right edge, as fractions of the line, or
 * as characters when the last is over 1) are tfjs's and Keras's arguments.
 */
function modelSummaryLines(model: ModelShape, lineLength?: number, positions?: number[]): string[] {
  const chain = sequentialLike(model);
  const header = chain
    ? ["Layer (type)", "Output Shape", "Param #"]
    : ["Layer (type)", "Output Shape", "Param #", "Connected to"];
  const right = header.map((h) => h === "Param #");
  const widths = columnWidths(
    lineLength ?? (chain ? 88 : 108),
    positions ?? (chain ? [0.45, 0.8, 1.0] : [0.3, 0.56, 0.74, 1.0]),
  );
  const rows = modelRows(model, chain).map((r) => {
    const cells = [`${r.layer} (${r.type})`, r.outputShape, r.params];
    return chain ? cells : [...cells, r.connectedTo];
  });
  const lines = [`Model: "${model.name}"`, rule(widths, "┏━┳┓"), ...tableRow(header, widths, right, "┃")];
  lines.push(rule(widths, "┡━╇┩"));
  rows.forEach((cells, i) => {
    if (i > 0) lines.push(rule(widths, "├─┼┤"));
    lines.push(...tableRow(cells, widths, right, "│"));
  });
  lines.push(rule(widths, "└─┴┘"));
  for (const [label, count, bytes] of totals(model))
    lines.push(` ${label}: ${thousands(count)} (${readableSize(bytes)})`);
  return lines;
}

/** The model summary as an HTML table (Layer (type), Output Shape, Param #) with Keras's totals. */
export function modelSummaryHTML(model: ModelShape): string {
  const chain = sequentialLike(model);
  const cell = (text: string, align = "left") => `<td style="text-align:${align}">${xmlEscape(text)}</td>`;
  const body = modelRows(model, chain)
    .map(
      (r) =>
        `<tr>${cell(`${r.layer} (${r.type})`)}${cell(r.outputShape)}${cell(r.params, "right")}${chain ? "" : cell(r.connectedTo)}</tr>`,
    )
    .join("\n");
  const span = chain ? 2 : 3;
  const foot = totals(model)
    .map(
      ([label, count, bytes]) =>
        `<tr><td colspan="${span}" style="text-align:left">${label}</td><td style="text-align:right">${thousands(count)} (${readableSize(bytes)})</td></tr>`,
    )
    .join("\n");
  return (
    `<table class="tslab-dl-model-summary">\n<caption style="text-align:left">Model: "${xmlEscape(model.name)}"</caption>\n` +
    `<thead><tr><th style="text-align:left">Layer (type)</th><th style="text-align:left">Output Shape</th><th style="text-align:right">Param #</th>${chain ? "" : `<th style="text-align:left">Connected to</th>`}</tr></thead>\n` +
    `<tbody>\n${body}\n</tbody>\n<tfoot>\n${foot}\n</tfoot>\n</table>`
  );
}

function modelBundle(model: ModelShape, lineLength?: number, positions?: number[]): MimeBundle {
  return {
    "text/html": modelSummaryHTML(model),
    "text/plain": modelSummaryLines(model, lineLength, positions).join("\n"),
  };
}

/** `model.summary()` wherever it is called: the caller's `printFn`, else the notebook's table, else the terminal. */
function printSummary(model: tfjs.LayersModel, ...[lineLength, positions, printFn]: SummaryArgs): void {
  const shape = model as unknown as ModelShape;
  // Sequential's summary hands on its default, console.log: that is no printFn of the caller's.
  if (printFn && printFn !== console.log) {
    for (const line of modelSummaryLines(shape, lineLength, positions)) printFn(line);
  } else if (currentBridge().rich) {
    display({ [JUPYTER_DISPLAY]: () => modelBundle(shape, lineLength, positions) });
  } else {
    console.log(modelSummaryLines(shape, lineLength, positions).join("\n"));
  }
}

/** Whether a value is a non-empty array of tfjs layers (`model.layers`). */
function isLayerArray(value: unknown): value is LayerShape[] {
  return Array.isArray(value) && value.length > 0 && value.every(isLayer);
}

/** Keras's `repr` of a layer: `<Dense name=dense, built=True>`. */
function layerRepr(layer: LayerShape): string {
  return `<${layer.getClassName()} name=${layer.name}, built=${layer.built === false ? "False" : "True"}>`;
}

/** `model.layers`: one line per layer as Keras's list repr, and a small table. */
function layerArrayBundle(value: unknown): MimeBundle {
  const layers = value as LayerShape[];
  const text = layers.map((l, i) => `${i === 0 ? "[" : " "}${layerRepr(l)}${i === layers.length - 1 ? "]" : ","}`);
  const td = (s: string, align = "left") => `<td style="text-align:${align}">${xmlEscape(s)}</td>`;
  const rows = layers.map(
    (l, i) =>
      `<tr>${td(String(i), "right")}${td(l.name)}${td(l.getClassName())}${td(outputShapeOf(l))}${td(paramsOf(l), "right")}</tr>`,
  );
  const html =
    `<table class="tslab-dl-layers">\n<thead><tr><th style="text-align:right">#</th><th style="text-align:left">name</th><th style="text-align:left">class</th><th style="text-align:left">output shape</th><th style="text-align:right">params</th></tr></thead>\n` +
    `<tbody>\n${rows.join("\n")}\n</tbody>\n</table>`;
  return { "text/html": html, "text/plain": text.join("\n") };
}

registerFormatter({ name: "tslab-dl.layers-model", test: isLayersModel, format: (v) => modelBundle(v as ModelShape) });
registerFormatter({ name: "tslab-dl.layer-array", test: isLayerArray, format: layerArrayBundle });
patchModelSummary(printSummary);
