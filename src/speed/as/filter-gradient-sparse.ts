/**
 * A convolution's filter gradient dW = im2col(x)ᵀ · dy from dy's nonzeros alone. After max
 * pooling's gradient (one input in four of each window) and relu's, about four in five of a
 * convolution's dy are zeros; gemm's PATCH_COLUMNS product multiplies every one of them. Here
 * for each of gemm's K blocks of pixels each column of dy (an output channel) is listed as its
 * nonzero (pixel, g) in pixel order, then for each column, filter position and run of input
 * channels, the run of x under each listed pixel times g is summed in registers (the row of
 * zeros where the position lies over the padding). Those are gemm's sums with its zero terms
 * left out: the same products (`madd`), the same order, the same blocks, so for a finite x
 * the same numbers. The sums go to a transposed dW (a run of channels is contiguous there) and
 * are written into dW's columns at the end.
 */
import { ConvGeometry } from "./conv-geometry";
import { KC } from "./gemm";
import { listTerm, nonzeros, runAt, sumRun } from "./sparse-lanes";

/**
 * dW's columns [from, from + count) (dW: patch × outC floats at `dW`, patch = fH·fW·inC) from
 * the NHWC images x and dy (pixels × outC), `geometry` a conv-geometry.ts block. Returns 1;
 * or 0, writing nothing to dW, where more than `maxPermille`/1000 of those columns of dy are
 * nonzero (the dense product is then faster), or it does not apply: inC or count not a
 * multiple of 4, more than 32 filter positions. `scratch` holds count·depth·8 + 4·count +
 * pixels·8 + 4·count·patch + 128 bytes (depth: the K block's, at most KC) (src/speed/ops/conv2d-backprop-filter.ts's
 * sparseFilterBytes).
 */
export function filterGradientSparse(
  geometry: usize,
  x: usize,
  dy: usize,
  from: i32,
  count: i32,
  dW: usize,
  scratch: usize,
  maxPermille: i32,
): i32 {
  const conv = changetype<ConvGeometry>(geometry);
  const inC = conv.inC,
    outC = conv.outC,
    fH = conv.fH,
    fW = conv.fW;
  const pixels = conv.batch * conv.outH * conv.outW;
  const patch = fH * fW * inC;
  if ((inC & 3) != 0 || (count & 3) != 0 || fH * fW > 32 || pixels == 0 || count == 0) return 0;
  const dyRow = <usize>(4 * outC);
  const columns = dy + <usize>(4 * from);
  if (<i64>nonzeros(columns, dyRow, count, pixels) * 1000 > <i64>maxPermille * <i64>pixels * <i64>count) return 0;
  // gemm's K blocks: the same count of equal depth.
  const blocks = (pixels + KC - 1) / KC;
  const depth = (pixels + blocks - 1) / blocks;
  const listBytes = (<usize>depth) << 3;
  const lists = scratch; // column c's terms in the block at lists + c·listBytes
  const counts = lists + <usize>count * listBytes;
  const table = counts + <usize>(4 * count);
  const transposed = table + ((<usize>pixels) << 3);
  const zeros = transposed + <usize>(4 * count) * <usize>patch;
  pixelTable(conv, x, table);
  memory.fill(zeros, 0, 128);
  const run = <usize>(4 * inC);
  // Block by block, so that the block's images stay in L1 while every column sums from them.
  for (let k0 = 0; k0 < pixels; k0 += depth) {
    const end = min(k0 + depth, pixels);
    const first = k0 == 0;
    listColumns(columns, dyRow, count, k0, end, lists, listBytes, counts);
    for (let c = 0; c < count; c++) {
      const list = lists + <usize>c * listBytes;
      const terms = load<i32>(counts + <usize>(4 * c));
      const out = transposed + <usize>(4 * c) * <usize>patch;
      for (let kh = 0; kh < fH; kh++) {
        for (let kw = 0; kw < fW; kw++) {
          const position = kh * fW + kw;
          const tap = <usize>(kh * conv.dH * conv.inW + kw * conv.dW) * run;
          const at = out + <usize>position * run;
          const bit = 1 << position;
          for (let ci = 0; ci < inC;) {
            const vectors = runAt(ci, inC);
            const offset = tap + <usize>(4 * ci);
            sumRun(vectors, list, 0, terms, offset, at + <usize>(4 * ci), first, true, table, bit, zeros);
            ci += 4 * vectors;
          }
        }
      }
    }
  }
  // dW[r][from + c] = transposed[c][r].
  for (let r = 0; r < patch; r++) {
    const row = dW + <usize>(4 * (r * outC + from));
    for (let c = 0; c < count; c++)
      store<f32>(row + <usize>(4 * c), load<f32>(transposed + <usize>(4 * (c * patch + r))));
  }
  return 1;
}

/**
 * Each column c of the `count` at `columns` listed, over the pixels [k0, end), at lists +
 * c·listBytes as its nonzero (pixel, g) in pixel order (NaN is listed: it is not 0), its
 * length at counts[c]. Four columns at a time, their lengths in locals: each term is written
 * and its length advanced by whether g is nonzero, without a branch on it.
 */
function listColumns(
  columns: usize,
  rowBytes: usize,
  count: i32,
  k0: i32,
  end: i32,
  lists: usize,
  listBytes: usize,
  counts: usize,
): void {
  const zero = f32x4.splat(0);
  for (let c = 0; c < count; c += 4) {
    const list0 = lists + <usize>c * listBytes;
    const list1 = list0 + listBytes,
      list2 = list1 + listBytes,
      list3 = list2 + listBytes;
    let n0 = 0,
      n1 = 0,
      n2 = 0,
      n3 = 0;
    for (let p = k0; p < end; p++) {
      const g = v128.load(columns + <usize>p * rowBytes + <usize>(4 * c));
      const mask = i32x4.bitmask(f32x4.ne(g, zero));
      if (mask == 0) continue;
      n0 = listTerm(list0, n0, p, f32x4.extract_lane(g, 0), mask & 1);
      n1 = listTerm(list1, n1, p, f32x4.extract_lane(g, 1), (mask >> 1) & 1);
      n2 = listTerm(list2, n2, p, f32x4.extract_lane(g, 2), (mask >> 2) & 1);
      n3 = listTerm(list3, n3, p, f32x4.extract_lane(g, 3), mask >> 3);
    }
    store<i32>(counts + <usize>(4 * c), n0);
    store<i32>(counts + <usize>(4 * c), n1, 4);
    store<i32>(counts + <usize>(4 * c), n2, 8);
    store<i32>(counts + <usize>(4 * c), n3, 12);
  }
}

/**
 * For each output pixel p, at table + 8p: the byte address in x of its patch's first filter
 * position (an address off the image where that position lies over the padding), and a mask
 * with bit kh·fW + kw set where filter position (kh, kw) lies inside the image.
 */
function pixelTable(conv: ConvGeometry, x: usize, table: usize): void {
  const inH = conv.inH,
    inW = conv.inW,
    fH = conv.fH,
    fW = conv.fW;
  const run = 4 * conv.inC;
  let at = table;
  for (let b = 0; b < conv.batch; b++) {
    for (let oh = 0; oh < conv.outH; oh++) {
      const ih0 = oh * conv.sH - conv.top;
      for (let ow = 0; ow < conv.outW; ow++) {
        const iw0 = ow * conv.sW - conv.left;
        let mask = 0;
        for (let kh = 0; kh < fH; kh++) {
          const ih = ih0 + kh * conv.dH;
          for (let kw = 0; kw < fW; kw++) {
            const iw = iw0 + kw * conv.dW;
            if (ih >= 0 && ih < inH && iw >= 0 && iw < inW) mask |= 1 << (kh * fW + kw);
          }
        }
        store<i32>(at, <i32>x + ((b * inH + ih0) * inW + iw0) * run);
        store<i32>(at, mask, 4);
        at += 8;
      }
    }
  }
}
