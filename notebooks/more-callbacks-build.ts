/**
 * Build and run `notebooks/{en,ko}/more-callbacks.ipynb` from notebooks/more-callbacks.ts,
 * with tutorial.ts's builder and runner:
 *
 *   node dist/notebooks/more-callbacks-build.js --build    # write the notebooks, no outputs
 *   node dist/notebooks/more-callbacks-build.js --update   # execute them, store the outputs
 *
 * `--update` needs the tslab-dl kernel registered (`npx tslab-dl install`, or in a
 * private JUPYTER_DATA_DIR).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../src/io/atomic";
import { MORE_CALLBACKS } from "./more-callbacks";
import { buildNotebook, executeNotebook, findJupyter, LANGS, notebookPath } from "./tutorial";

const NAME = "more-callbacks.ipynb";
const repoRoot = path.resolve(__dirname, "..", "..");

async function main(argv: string[]): Promise<void> {
  const target = (lang: (typeof LANGS)[number]) => path.join(path.dirname(notebookPath(lang)), NAME);
  if (argv.includes("--build")) {
    for (const lang of LANGS) {
      writeFileAtomic(target(lang), `${JSON.stringify(buildNotebook(lang, MORE_CALLBACKS), null, 1)}\n`);
      console.log(`wrote ${path.relative(process.cwd(), target(lang))}`);
    }
  }
  if (argv.includes("--update")) {
    const jupyter = findJupyter();
    const outDir = path.join(repoRoot, "out", "more-callbacks");
    for (const lang of LANGS) {
      const started = Date.now();
      const { ipynb } = await executeNotebook(jupyter, lang, outDir, NAME);
      writeFileAtomic(target(lang), fs.readFileSync(ipynb));
      console.log(
        `${lang}: executed in ${Math.round((Date.now() - started) / 1000)} s, outputs stored in ${target(lang)}`,
      );
    }
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
