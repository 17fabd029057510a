/**
 * padSequences and toCategorical against Keras's documented behaviour
 * (`keras.utils.pad_sequences`, `keras.utils.to_categorical`), expected values by hand.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { tf } from "../../src/backend";
import { DatasetError, padSequences, Sequences, toCategorical } from "../../src/data";

const SEQ = [[1], [2, 3], [4, 5, 6]];

test("padSequences pads and truncates at the start by default, to the longest sequence", () => {
  const x = padSequences(SEQ);
  assert.equal(x.dtype, "int32");
  assert.deepEqual(x.shape, [3, 3]);
  assert.deepEqual(x.arraySync(), [
    [0, 0, 1],
    [0, 2, 3],
    [4, 5, 6],
  ]);
  // maxlen shorter than a sequence: its last values stay (truncating "pre").
  assert.deepEqual(padSequences(SEQ, { maxlen: 2 }).arraySync(), [
    [0, 1],
    [2, 3],
    [5, 6],
  ]);
});

test("padSequences: value, padding 'post', truncating 'post', and a maxlen longer than all", () => {
  assert.deepEqual(padSequences(SEQ, { value: -1 }).arraySync(), [
    [-1, -1, 1],
    [-1, 2, 3],
    [4, 5, 6],
  ]);
  assert.deepEqual(padSequences(SEQ, { padding: "post" }).arraySync(), [
    [1, 0, 0],
    [2, 3, 0],
    [4, 5, 6],
  ]);
  assert.deepEqual(padSequences(SEQ, { maxlen: 2, truncating: "post" }).arraySync(), [
    [0, 1],
    [2, 3],
    [4, 5],
  ]);
  assert.deepEqual(padSequences(SEQ, { maxlen: 2, truncating: "post", padding: "post", value: 9 }).arraySync(), [
    [1, 9],
    [2, 3],
    [4, 5],
  ]);
  assert.deepEqual(padSequences(SEQ, { maxlen: 5 }).arraySync(), [
    [0, 0, 0, 0, 1],
    [0, 0, 0, 2, 3],
    [0, 0, 4, 5, 6],
  ]);
});

test("padSequences: empty sequences become rows of the value; dtype int32 truncates as NumPy's cast", () => {
  assert.deepEqual(padSequences([[], [7, 8]], { value: 3 }).arraySync(), [
    [3, 3],
    [7, 8],
  ]);
  assert.deepEqual(padSequences([[1.7, -1.7]], { maxlen: 3 }).arraySync(), [[0, 1, -1]]);
  const f = padSequences([[1.5], [2, 3]], { dtype: "float32", value: 0.25 });
  assert.equal(f.dtype, "float32");
  assert.deepEqual(f.arraySync(), [
    [0.25, 1.5],
    [2, 3],
  ]);
  assert.deepEqual(padSequences([]).shape, [0, 0]);
});

test("padSequences takes Sequences and typed arrays", () => {
  const seqs = Sequences.wrap([[1, 2, 3], [4]]);
  assert.deepEqual(padSequences(seqs, { maxlen: 2 }).arraySync(), [
    [2, 3],
    [0, 4],
  ]);
  assert.deepEqual(padSequences([Int32Array.of(5, 6), Int32Array.of(7)]).arraySync(), [
    [5, 6],
    [0, 7],
  ]);
});

test("padSequences refuses unknown padding/truncating, a bad maxlen or dtype, and non-sequences", () => {
  const refused = (fn: () => unknown, re: RegExp): void =>
    assert.throws(fn, (e: Error) => e instanceof DatasetError && re.test(e.message));
  refused(
    () => padSequences(SEQ, { padding: "middle" as "pre" }),
    /padding "middle" not understood; expected "pre" or "post"/,
  );
  refused(() => padSequences(SEQ, { truncating: "end" as "pre" }), /truncating "end" not understood/);
  refused(() => padSequences(SEQ, { maxlen: 0 }), /maxlen must be a positive integer, got 0/);
  refused(() => padSequences(SEQ, { dtype: "bool" as "int32" }), /dtype "bool" is not supported/);
  refused(() => padSequences([[1], 5] as unknown as number[][]), /item 1 is 5/);
  refused(() => padSequences([["a"]] as unknown as number[][]), /sequence 0 holds string at position 0/);
});

test("toCategorical: Keras's example, numClasses inferred as max + 1", () => {
  const a = toCategorical([0, 1, 2, 3], 4);
  assert.equal(a.dtype, "float32");
  assert.deepEqual(a.arraySync(), [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ]);
  assert.deepEqual(toCategorical([1, 0, 3]).arraySync(), [
    [0, 1, 0, 0],
    [1, 0, 0, 0],
    [0, 0, 0, 1],
  ]);
});

test("toCategorical: a trailing axis of 1 is dropped; [N, T] gives [N, T, numClasses]", () => {
  assert.deepEqual(toCategorical([[1], [2]]).arraySync(), [
    [0, 1, 0],
    [0, 0, 1],
  ]);
  const padded = padSequences([[1, 2], [2]]); // [[1, 2], [0, 2]]
  const oh = toCategorical(padded, 3);
  assert.deepEqual(oh.shape, [2, 2, 3]);
  assert.deepEqual(oh.arraySync(), [
    [
      [0, 1, 0],
      [0, 0, 1],
    ],
    [
      [1, 0, 0],
      [0, 0, 1],
    ],
  ]);
  const nested = toCategorical(
    [
      [0, 2],
      [1, 0],
    ],
    3,
  );
  assert.deepEqual(nested.shape, [2, 2, 3]);
  assert.deepEqual(nested.arraySync(), [
    [
      [1, 0, 0],
      [0, 0, 1],
    ],
    [
      [0, 1, 0],
      [1, 0, 0],
    ],
  ]);
});

test("toCategorical: float labels (as loadImdb's) and fractions truncated as NumPy's int64 cast", () => {
  assert.deepEqual(toCategorical(tf.tensor1d([1, 0, 1], "float32")).arraySync(), [
    [0, 1],
    [1, 0],
    [0, 1],
  ]);
  assert.deepEqual(toCategorical([2.7, 0.2], 3).arraySync(), [
    [0, 0, 1],
    [1, 0, 0],
  ]);
});

test("toCategorical refuses values out of range, negative values, ragged input and nothing to infer from", () => {
  const refused = (fn: () => unknown, re: RegExp): void =>
    assert.throws(fn, (e: Error) => e instanceof DatasetError && re.test(e.message));
  refused(() => toCategorical([0, 4], 4), /value 4 is out of range for numClasses 4 \(0–3\)/);
  refused(() => toCategorical([1, -1]), /value -1 at flat index 1 is not a class index/);
  refused(() => toCategorical([[1, 2], [3]]), /the input is ragged .*pad it first with padSequences/);
  refused(() => toCategorical([]), /no values to infer numClasses from/);
  refused(() => toCategorical([Number.NaN], 2), /value NaN at flat index 0/);
});
