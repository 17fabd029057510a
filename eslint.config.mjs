// ESLint for tslab-dl: typescript-eslint's recommended rules with type information,
// tuned for this codebase (see the comments on each override for why).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // src/speed/as/ is AssemblyScript (its own tsconfig and compiler, asc); typescript-eslint's type checks do not apply.
  {
    ignores: ["dist/", "out/", "node_modules/", "test-artifacts/", "scratch/", "**/*.js", "**/*.mjs", "src/speed/as/"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Unused names are compile errors (tsconfig noUnusedLocals/noUnusedParameters); a leading
      // underscore marks a parameter an interface requires but this implementation ignores.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // A forgotten await on a file write or a training step loses work silently.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      eqeqeq: ["error", "always", { null: "ignore" }],
      "prefer-const": "error",
    },
  },
  {
    // node:test's test() and describe() return promises the runner itself awaits.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-floating-promises": "off" },
  },
);
