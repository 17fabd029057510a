"""The Jupyter project's kernel conformance suite (jupyter_kernel_test) against tslab-dl.

Run by test/kernel/conformance.test.ts with JUPYTER_PATH pointing at a
temporary install of the kernel:
    /usr/bin/python3 -m unittest -v conformance_test
Every test of jupyter_kernel_test 0.4.5 gets samples, so none is skipped.
"""

import unittest

import jupyter_kernel_test


class TslabDlKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "tslab-dl"

    # test_kernel_info
    language_name = "typescript"
    file_extension = ".ts"

    # test_execute_stdout / test_execute_stderr
    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("something went wrong")'

    # test_completion: tslab's TypeScript completion
    completion_samples = [
        {"text": "Math.ma", "matches": {"max"}},
        {"text": "const completionSample = [1, 2];\ncompletionSample.fil", "matches": {"fill", "filter"}},
    ]

    # test_is_complete
    complete_code_samples = ["1 + 1", "const a = 1;", "function f() { return 1; }", "!ls -al"]
    incomplete_code_samples = ["function f() {", "const b = [1,", "if (true) {\n  console.log(1);"]
    invalid_code_samples = ["const = 5;", "let 3x = 1;"]

    # test_pager: IPython's "expr?" shows the expression's type and documentation
    code_page_something = "Math.max?"

    # test_error
    code_generate_error = 'throw new Error("expected failure")'

    # test_execute_result: a cell's last value, as Node's util.inspect shows it,
    # or from its [Symbol.for("Jupyter.display")]() MIME bundle
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"ab" + "cd"', "result": "'abcd'"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
        {
            "code": '({ [Symbol.for("Jupyter.display")]: () => ({ "text/html": "<b>bold</b>", "text/plain": "bold" }) })',
            "mime": "text/html",
            "result": "<b>bold</b>",
        },
    ]

    # test_display_data: the library's display(), through the kernel's display bridge
    code_display_data = [
        {
            "code": 'import { display } from "tslab-dl";\n'
            'display({ [Symbol.for("Jupyter.display")]: () => ({ "text/html": "<i>hi</i>", "text/plain": "hi" }) });',
            "mime": "text/html",
        },
        {"code": 'import { display } from "tslab-dl";\ndisplay("plain text");', "mime": "text/plain"},
    ]

    # test_history: must match exactly one of code_execute_result's codes (as a glob)
    code_history_pattern = "6 [*] 7"
    supported_history_operations = ("tail", "range", "search")

    # test_inspect
    code_inspect_sample = "Math.max"

    # test_clear_output
    code_clear_output = 'import { clearOutput } from "tslab-dl";\nconsole.log("soon gone");\nclearOutput();'


if __name__ == "__main__":
    unittest.main()
