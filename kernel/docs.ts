/**
 * `?` and Shift-Tab: the type and documentation of what the cursor is on,
 * including the two places where TypeScript's quick info alone says little.
 *
 * - On a constructor (`new EarlyStopping?`, `new EarlyStopping(|`) quick info
 *   shows only the constructor's signature; the class's TSDoc is added.
 * - Inside a call's arguments (`new EarlyStopping({ pat|`, `tf.layers.dense({ |`)
 *   the answer is the called function or class, as IPython's Shift-Tab shows
 *   the callable's signature and docstring; what the cursor is on follows.
 */
import type * as TS from "@tslab/typescript-for-tslab";
import type { Executor } from "./tslab-internals";
import { quickInfo, typescript } from "./protocol";
import { readCell } from "./cell-text";

/** The deepest node of `file` whose text spans `pos` (its end included). */
function nodeAt(ts: typeof TS, file: TS.SourceFile, pos: number): TS.Node {
  let node: TS.Node = file;
  for (;;) {
    const child: TS.Node | undefined = node
      .getChildren(file)
      .find((c) => c.getStart(file) <= pos && pos <= c.end && c.kind !== ts.SyntaxKind.EndOfFileToken);
    if (!child || child === node) return node;
    node = child;
  }
}

/** The callee whose documentation answers for a cursor at `node`, if any. */
interface Callee {
  expression: TS.Expression;
  construct: TS.NewExpression | undefined;
}

/** A call or `new` whose callee is, or whose arguments contain, the cursor. */
function calleeAt(ts: typeof TS, file: TS.SourceFile, node: TS.Node, pos: number): Callee | undefined {
  for (let n: TS.Node | undefined = node; n; n = n.parent) {
    if (!ts.isCallExpression(n) && !ts.isNewExpression(n)) continue;
    const onCallee = pos <= n.expression.end;
    const inArguments = pos > n.expression.end;
    if (onCallee && n.expression.getStart(file) > pos) continue;
    if (onCallee || inArguments) return { expression: n.expression, construct: ts.isNewExpression(n) ? n : undefined };
  }
  return undefined;
}

function join(...texts: Array<string | undefined>): string | undefined {
  const kept = texts.filter((t): t is string => t !== undefined && t.trim() !== "");
  return kept.length ? [...new Set(kept)].join("\n\n") : undefined;
}

/**
 * The documentation for a cursor in a cell (inspect_request, Shift-Tab, `?`),
 * or `undefined` when there is none.
 *
 * @example
 * describeAt(executor, "new EarlyStopping({ pat", 23);
 * // → "(alias) new EarlyStopping(args?: EarlyStoppingArgs): EarlyStopping\n…\n\n(alias) class EarlyStopping\n…Stop training when…"
 */
export function describeAt(executor: Executor, code: string, cursor: number): string | undefined {
  const ts = typescript();
  const source = readCell(code).blanked;
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  // After the last token (e.g. "f(1, |") the cursor is in no node: look at the last one.
  const probe = Math.min(cursor, source.trimEnd().length);
  const callee = calleeAt(ts, file, nodeAt(ts, file, probe), probe);
  if (!callee) return quickInfo(executor, source, cursor);
  const at = callee.expression.end - 1;
  const onCallee = probe <= callee.expression.end;
  const signature = quickInfo(executor, source, at);
  let classDocs: string | undefined;
  if (callee.construct) {
    // Without `new`, TypeScript describes the class itself, with its TSDoc.
    const start = callee.construct.getStart(file);
    classDocs = quickInfo(executor, source.slice(0, start) + "   " + source.slice(start + 3), at);
  }
  if (onCallee) return join(signature, classDocs);
  // What the cursor is on follows, unless it is an unknown property being typed (`{ pat|`).
  const here = quickInfo(executor, source, cursor);
  return join(signature, classDocs, here && !/^\(property\) [\w$]+: any$/.test(here) ? here : undefined);
}

/**
 * The `inspect_reply` content: found, with the documentation as text/plain.
 *
 * @example
 * inspectReply(executor, "Math.max(", 9); // → { status: "ok", found: true, data: { "text/plain": "(method) Math.max(…" }, … }
 */
export function inspectReply(executor: Executor, code: string, cursor: number): Record<string, unknown> {
  const text = describeAt(executor, code, cursor);
  return text === undefined
    ? { status: "ok", found: false, data: {}, metadata: {} }
    : { status: "ok", found: true, data: { "text/plain": text }, metadata: {} };
}
