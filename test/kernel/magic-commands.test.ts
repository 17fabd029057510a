import assert from "node:assert/strict";
import { test } from "node:test";
import { MAGIC_HOOK } from "../../kernel/magics";
import { installMagics } from "../../kernel/magic-commands";

test("the hook answers %who, %env and %xmode as IPython prints them", () => {
  const out: string[] = [];
  const locals: { [name: string]: unknown } = { b: 2, a: "x", f: () => 1, tsLastExpr: 3 };
  installMagics({ locals: () => locals, write: (t) => out.push(t) });
  const hook = (globalThis as unknown as { [MAGIC_HOOK]: { line(name: string, args: string): unknown } })[MAGIC_HOOK];
  hook.line("who", "");
  hook.line("who", "number");
  hook.line("who", "boolean");
  assert.deepEqual(out.splice(0), ["a\t b\t f\t \n", "b\t \n", "No variables match your requested type.\n"]);
  hook.line("env", "TSLAB_DL_TEST_VAR=some value");
  assert.equal(process.env.TSLAB_DL_TEST_VAR, "some value");
  assert.equal(hook.line("env", "TSLAB_DL_TEST_VAR"), "some value");
  process.env.TSLAB_DL_TEST_TOKEN = "s3cret";
  hook.line("env", "");
  const listing = out.splice(0).join("");
  assert.match(listing, /^env: TSLAB_DL_TEST_VAR=some value\n/);
  assert.match(listing, /\nTSLAB_DL_TEST_TOKEN=<hidden>\n/);
  assert.throws(
    () => hook.line("env", "NO_SUCH_VARIABLE_HERE"),
    /Environment does not have key: NO_SUCH_VARIABLE_HERE/,
  );
  hook.line("xmode", "verbose");
  hook.line("xmode", "Context");
  assert.deepEqual(out.splice(0), ["Exception reporting mode: Verbose\n", "Exception reporting mode: Context\n"]);
  delete process.env.TSLAB_DL_TEST_VAR;
  delete process.env.TSLAB_DL_TEST_TOKEN;
});
