/**
 * The test command: `npm test` runs every tier (what CI runs), `npm run test:unit` the fast
 * tier for the edit loop (see tiers.ts). Extra arguments pick files by substring:
 * `npm run test:unit -- callbacks`. Skipped tests are listed at the end, grouped by reason;
 * under `CI=true` a skipped test fails the run, since CI installs everything the tests need.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isSlow } from "./tiers";

const testRoot = __dirname;

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith(".test.js") ? [full] : [];
  });
}

function main(argv: string[]): number {
  const unitOnly = argv.includes("--unit");
  const filters = argv.filter((a) => !a.startsWith("--"));
  const files = testFiles(testRoot)
    .map((file) => path.relative(testRoot, file).split(path.sep).join("/"))
    .filter((rel) => !unitOnly || !isSlow(rel))
    .filter((rel) => filters.length === 0 || filters.some((f) => rel.includes(f)))
    .sort();
  if (files.length === 0) {
    console.error(`no test files match ${JSON.stringify(filters)}`);
    return 1;
  }
  const skipsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tslab-dl-skips-")), "skips.jsonl");
  const run = spawnSync(
    process.execPath,
    [
      "--test",
      // The fast tier's files are independent (temporary folders, no servers): two at a time use
      // both cores. The slow tier trains, runs Jupyter and Chromium: one file at a time.
      `--test-concurrency=${unitOnly ? 2 : 1}`,
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      `--test-reporter=${path.join(testRoot, "skip-reporter.js")}`,
      `--test-reporter-destination=${skipsFile}`,
      ...files.map((rel) => path.join(testRoot, rel)),
    ],
    { stdio: "inherit" },
  );
  const skips = fs.existsSync(skipsFile)
    ? fs
        .readFileSync(skipsFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { name: string; file?: string; reason: string })
    : [];
  fs.rmSync(path.dirname(skipsFile), { recursive: true, force: true });
  if (skips.length > 0) {
    const byReason = new Map<string, string[]>();
    for (const s of skips) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.name]);
    console.error(`\n${skips.length} test(s) SKIPPED:`);
    for (const [reason, names] of byReason) console.error(`  ${names.length} × ${reason}\n    e.g. ${names[0]}`);
    if (process.env.CI === "true" || process.env.CI === "1") {
      console.error("CI=true: CI installs everything the tests need, so a skipped test is a failure.");
      return 1;
    }
  }
  return run.status ?? 1;
}

process.exitCode = main(process.argv.slice(2));
