/**
 * A minimal PNG encoder (8-bit greyscale or 8-bit palette, no interlace) on
 * node:zlib, so image figures carry a few hundred bytes per picture instead of
 * one SVG shape per pixel.
 */
import { crc32, deflateSync } from "node:zlib";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG image of 8-bit indices (greyscale levels, or entries of `palette`), or of RGB triples. */
interface IndexedImage {
  width: number;
  height: number;
  /** `width * height * channels` bytes, row by row from the top. */
  pixels: Uint8Array;
  /** 1 (default: grey levels or palette indices) or 3 (RGB). */
  channels?: 1 | 3;
  /** RGB triples (at most 256); without it one-channel bytes are grey levels. */
  palette?: Uint8Array;
  /** A palette index drawn fully transparent. */
  transparent?: number;
}

/**
 * Encode an indexed image as PNG bytes.
 *
 * @example
 * const png = encodePNG({ width: 2, height: 1, pixels: new Uint8Array([0, 255]) });
 */
export function encodePNG(image: IndexedImage): Buffer {
  const { width, height, pixels, palette, transparent } = image;
  const channels = image.channels ?? 1;
  const stride = width * channels;
  if (pixels.length !== stride * height) {
    throw new RangeError(
      `encodePNG: ${width}×${height}×${channels} needs ${stride * height} bytes, got ${pixels.length}`,
    );
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 3 ? 2 : palette ? 3 : 0; // colour type: RGB, palette or greyscale
  // Filter "Up" (2) on every row: upscaled images repeat rows, which then deflate to nothing.
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const o = y * (stride + 1);
    raw[o] = y === 0 ? 0 : 2;
    for (let x = 0; x < stride; x++) {
      const v = pixels[y * stride + x];
      raw[o + 1 + x] = y === 0 ? v : (v - pixels[(y - 1) * stride + x]) & 0xff;
    }
  }
  const parts = [SIGNATURE, chunk("IHDR", ihdr)];
  if (palette && channels === 1) {
    parts.push(chunk("PLTE", palette));
    if (transparent !== undefined) {
      const alpha = new Uint8Array(transparent + 1).fill(255);
      alpha[transparent] = 0;
      parts.push(chunk("tRNS", alpha));
    }
  }
  parts.push(chunk("IDAT", deflateSync(raw, { level: 9 })), chunk("IEND", new Uint8Array(0)));
  return Buffer.concat(parts);
}

/** The `data:` URI of PNG bytes. */
export function pngDataURI(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString("base64")}`;
}
