/**
 * "tslab-dl" by name for notebooks run by a kernel started from a checkout of this repository,
 * where no `node_modules` folder holds the package itself: this folder is one of the kernel's
 * module folders (kernel/kernel-modules.ts), so `import … from "tslab-dl"` lands here.
 */
export * from "../../../src/index";
