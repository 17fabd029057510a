import { test } from "node:test";
import assert from "node:assert/strict";
import { historyTable, mimeBundleOf, setTableRowLimit, isTable } from "../../src/display";
import { arquero } from "../../src/display/tables";
import { lessonHistory } from "./fixtures";
import { jupyterLabSanitize } from "./jupyterlab-sanitizer";

test("historyTable gives an arquero table of epochs × metrics", () => {
  const table = historyTable(lessonHistory());
  assert.equal(isTable(table), true);
  assert.deepEqual(table.columnNames(), ["epoch", "loss", "acc", "val_loss", "val_acc"]);
  assert.equal(table.numRows(), 10);
  assert.deepEqual(table.objects({ limit: 1 })[0], { epoch: 0, loss: 0.62, acc: 0.78, val_loss: 0.47, val_acc: 0.83 });
  // It is a real arquero table: its verbs work.
  const best = table.orderby("val_loss").objects({ limit: 1 })[0];
  assert.equal(best.epoch, 6);
});

test("historyTable accepts history.history as well as the History", () => {
  const table = historyTable(lessonHistory().history);
  assert.deepEqual(Array.from(table.array("epoch") as ArrayLike<number>), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("an arquero table renders as an HTML table with its header, right-aligned numbers and every row under the limit", () => {
  const bundle = mimeBundleOf(historyTable(lessonHistory()));
  assert.ok(bundle);
  const html = String(bundle["text/html"]);
  assert.match(html, /<thead><tr><th style="text-align:right">epoch<\/th><th style="text-align:right">loss<\/th>/);
  assert.equal((html.match(/<tr>/g) ?? []).length, 11);
  assert.match(html, /<td style="text-align:right">0\.352<\/td>/);
  assert.doesNotMatch(html, /more row/);
  assert.match(String(bundle["text/plain"]), /^Table \(10 rows × 5 columns\)\nepoch\s+loss/);
});

test("rows beyond the limit are hidden with a note saying how many", () => {
  const aq = arquero();
  const big = aq.table({
    i: Array.from({ length: 57 }, (_, k) => k),
    name: Array.from({ length: 57 }, (_, k) => `row <${k}>`),
  });
  const bundle = mimeBundleOf(big);
  assert.ok(bundle);
  const html = String(bundle["text/html"]);
  assert.equal((html.match(/<tr>/g) ?? []).length, 21, "header + 20 rows");
  assert.match(html, /… 37 more rows \(57 in all\)/);
  assert.match(html, /row &lt;19&gt;/, "cell text is escaped");
  assert.doesNotMatch(html, /row &lt;20&gt;/);
  assert.match(String(bundle["text/plain"]), /… 37 more rows \(57 in all\)$/);
  setTableRowLimit(50);
  try {
    assert.match(String(mimeBundleOf(big)?.["text/html"]), /… 7 more rows \(57 in all\)/);
  } finally {
    setTableRowLimit(20);
  }
  assert.throws(() => setTableRowLimit(0), /positive whole number/);
});

test("the table HTML survives JupyterLab's sanitizer (untrusted notebooks)", () => {
  const html = String(mimeBundleOf(historyTable(lessonHistory()))?.["text/html"]);
  const clean = jupyterLabSanitize(html);
  assert.equal((clean.match(/<td/g) ?? []).length, 50);
  assert.match(clean, /<th[^>]*>val_loss<\/th>/);
});
