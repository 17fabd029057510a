/**
 * The Jupyter project's conformance suite, jupyter_kernel_test
 * (Debian python3-jupyter-kernel-test), against the installed kernel, with
 * samples for every one of its tests (test/kernel/conformance_test.py).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { PYTHON, jupyterMissing, pythonDir, tempInstall } from "./helpers";

const missing = jupyterMissing();

test("jupyter_kernel_test: all 12 tests pass and none is skipped", { skip: missing, timeout: 180_000 }, () => {
  const install = tempInstall();
  try {
    const run = spawnSync(PYTHON, ["-m", "unittest", "-v", "conformance_test"], {
      cwd: pythonDir,
      encoding: "utf8",
      env: { ...process.env, JUPYTER_PATH: install.jupyterPath, PYDEVD_DISABLE_FILE_VALIDATION: "1" },
      timeout: 170_000,
    });
    const report = run.stderr;
    const results = [...report.matchAll(/^(test_\w+) \(.*\) \.\.\. (\w+)/gm)].map((m) => [m[1], m[2]]);
    assert.equal(run.status, 0, `unittest failed:\n${report}\n${run.stdout}`);
    assert.deepEqual(results.map(([name]) => name).sort(), [
      "test_clear_output",
      "test_completion",
      "test_display_data",
      "test_error",
      "test_execute_result",
      "test_execute_stderr",
      "test_execute_stdout",
      "test_history",
      "test_inspect",
      "test_is_complete",
      "test_kernel_info",
      "test_pager",
    ]);
    assert.deepEqual(
      results.filter(([, status]) => status !== "ok"),
      [],
      report,
    );
    assert.match(report, /^Ran 12 tests in/m);
    assert.match(report, /^OK$/m, "no skipped tests or subtests (unittest prints OK (skipped=N) otherwise)");
  } finally {
    install.remove();
  }
});
