/**
 * A convolution's input gradient dx = col2im(dy · Wᵀ) from dy's nonzeros alone, for stride 1
 * and no dilation. gemm's MATRIX_SKIP leaves out only the output channels where a band of 4
 * pixels is zero in all four, a third or so after max pooling (its zeros fall one pixel in
 * four of each window, not four pixels at once); here each pixel of dy is listed as its
 * nonzero (channel, g), and each input pixel gathers, from each output pixel whose patch it
 * lies under, the run of Wᵀ's row for that channel and filter position times g, summed in
 * registers, then added to dx (filter position by position within an image: each position's
 * rows of Wᵀ stay in L1). Those are the sums of dy · Wᵀ with their zero terms left out
 * (the same products, `madd`, in channel order) added up in col2im's order (output pixels
 * ascending), so for a finite W the same numbers.
 */
import { ConvGeometry } from "./conv-geometry";
import { KC } from "./gemm";
import { listTerm, nonzeros, runAt, sumRun } from "./sparse-lanes";

/**
 * dx (the NHWC images' gradient) from dy (pixels × outC) and Wᵀ (outC × patch floats at
 * `filterT`, patch = fH·fW·inC). Returns 1; or 0, writing nothing, where more than
 * `maxPermille`/1000 of dy is nonzero (the dense product is then faster), or it does not
 * apply: a stride or dilation other than 1, inC or outC not a multiple of 4, more than KC output
 * channels (gemm would sum them in two blocks). `scratch` holds pixels·outC·8 + 4·(pixels + 1)
 * bytes (src/speed/ops/conv2d-backprop-input.ts's sparseInputBytes).
 */
export function inputGradientSparse(
  geometry: usize,
  dy: usize,
  filterT: usize,
  dx: usize,
  scratch: usize,
  maxPermille: i32,
): i32 {
  const conv = changetype<ConvGeometry>(geometry);
  const inH = conv.inH,
    inW = conv.inW,
    inC = conv.inC,
    outH = conv.outH,
    outW = conv.outW,
    outC = conv.outC;
  const fH = conv.fH,
    fW = conv.fW,
    top = conv.top,
    left = conv.left;
  if (conv.sH != 1 || conv.sW != 1 || conv.dH != 1 || conv.dW != 1 || (inC & 3) != 0 || (outC & 3) != 0 || outC > KC)
    return 0;
  const pixels = conv.batch * outH * outW;
  const patch = fH * fW * inC;
  const starts = scratch; // pixel p's terms: [starts[p], starts[p + 1])
  const terms = starts + <usize>(4 * (pixels + 1));
  const limit = (<i64>maxPermille * <i64>pixels * <i64>outC) / 1000;
  if (listRows(dy, outC, pixels, filterT, patch, starts, terms, limit) < 0) return 0;
  const run = <usize>(4 * inC);
  memory.fill(dx, 0, <usize>(conv.batch * inH * inW) * run);
  // Image by image, and in each, filter position by position in descending order (so each
  // input pixel's output pixels come ascending, col2im's order): the position's rows of Wᵀ stay
  // in L1 while every pixel of the image gathers from them.
  for (let b = 0; b < conv.batch; b++) {
    const image = dx + <usize>(b * inH * inW) * run;
    for (let kh = fH - 1; kh >= 0; kh--) {
      for (let kw = fW - 1; kw >= 0; kw--) {
        const tap = <usize>(kh * fW + kw) * run;
        for (let ih = 0; ih < inH; ih++) {
          const oh = ih + top - kh;
          if (oh < 0 || oh >= outH) continue;
          for (let iw = 0; iw < inW; iw++) {
            const ow = iw + left - kw;
            if (ow < 0 || ow >= outW) continue;
            const p = (b * outH + oh) * outW + ow;
            const from = load<i32>(starts + <usize>(4 * p));
            const to = load<i32>(starts + <usize>(4 * p), 4);
            if (from == to) continue; // its sums are all +0: adding them changes nothing
            const at = image + <usize>(ih * inW + iw) * run;
            for (let ci = 0; ci < inC;) {
              const vectors = runAt(ci, inC);
              const offset = tap + <usize>(4 * ci);
              sumRun(vectors, terms, from, to, offset, at + <usize>(4 * ci), false, false, 0, 0, 0);
              ci += 4 * vectors;
            }
          }
        }
      }
    }
  }
  return 1;
}

/**
 * Each pixel p of dy listed as its nonzero (Wᵀ's row address for the channel, g) in channel
 * order, from terms + 8·starts[p] (NaN is listed: it is not 0); returns how many in all, or
 * −1 having listed nothing where more than `limit` are nonzero.
 */
function listRows(
  dy: usize,
  outC: i32,
  pixels: i32,
  filterT: usize,
  patch: i32,
  starts: usize,
  terms: usize,
  limit: i64,
): i32 {
  const rows = (<usize>outC) << 2;
  if (<i64>nonzeros(dy, rows, outC, pixels) > limit) return -1;
  const zero = f32x4.splat(0);
  const rowBytes = <usize>(4 * patch);
  let n = 0;
  for (let p = 0; p < pixels; p++) {
    store<i32>(starts + <usize>(4 * p), n);
    const row = dy + <usize>p * rows;
    for (let c = 0; c < outC; c += 4) {
      const g = v128.load(row + <usize>(4 * c));
      const mask = i32x4.bitmask(f32x4.ne(g, zero));
      if (mask == 0) continue;
      const w = <i32>(filterT + <usize>c * rowBytes);
      const r = <i32>rowBytes;
      n = listTerm(terms, n, w, f32x4.extract_lane(g, 0), mask & 1);
      n = listTerm(terms, n, w + r, f32x4.extract_lane(g, 1), (mask >> 1) & 1);
      n = listTerm(terms, n, w + 2 * r, f32x4.extract_lane(g, 2), (mask >> 2) & 1);
      n = listTerm(terms, n, w + 3 * r, f32x4.extract_lane(g, 3), mask >> 3);
    }
  }
  store<i32>(starts + <usize>(4 * pixels), n);
  return n;
}
