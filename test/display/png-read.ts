/**
 * Read back the PNGs tslab-dl writes (8-bit grey, palette or RGB; no interlace), for tests:
 * what colour each pixel has.
 */
import { inflateSync } from "node:zlib";

/** A decoded PNG (8-bit grey, RGB, palette or RGBA): RGBA bytes row by row. */
export interface DecodedPNG {
  width: number;
  height: number;
  rgba: Uint8Array;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decode a PNG (from bytes or a `data:image/png;base64,` URI). */
export function readPNG(input: Uint8Array | string): DecodedPNG {
  const buf =
    typeof input === "string"
      ? Buffer.from(input.replace(/^data:image\/png;base64,/, ""), "base64")
      : Buffer.from(input);
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error("not a PNG");
  let pos = 8;
  let width = 0;
  let height = 0;
  let type = 0;
  let palette: Buffer | undefined;
  let alpha: Buffer | undefined;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const name = buf.toString("ascii", pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (name === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8) throw new Error(`bit depth ${data[8]} not supported`);
      type = data[9];
    } else if (name === "PLTE") palette = data;
    else if (name === "tRNS") alpha = data;
    else if (name === "IDAT") idat.push(data);
    pos += 12 + len;
  }
  const channels = type === 6 ? 4 : type === 2 ? 3 : 1;
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(idat));
  const px = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= channels ? px[y * stride + x - channels] : 0;
      const b = y > 0 ? px[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? px[(y - 1) * stride + x - channels] : 0;
      const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c);
      px[y * stride + x] = (v + pred) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    if (type === 6) rgba.set(px.subarray(i * 4, i * 4 + 4), i * 4);
    else if (type === 2) rgba.set([px[i * 3], px[i * 3 + 1], px[i * 3 + 2], 255], i * 4);
    else if (type === 3 && palette) {
      const k = px[i];
      rgba.set(
        [palette[k * 3], palette[k * 3 + 1], palette[k * 3 + 2], alpha && k < alpha.length ? alpha[k] : 255],
        i * 4,
      );
    } else rgba.set([px[i], px[i], px[i], 255], i * 4);
  }
  return { width, height, rgba };
}

/** The `[r, g, b, a]` of pixel (x, y). */
export function pixel(png: DecodedPNG, x: number, y: number): number[] {
  const i = (y * png.width + x) * 4;
  return Array.from(png.rgba.subarray(i, i + 4));
}
