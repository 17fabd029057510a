/**
 * The JupyterLab notebook page of the tests, by hand: `npm run build && node
 * dist/test/browser/jupyterlab-serve.js`, then open the printed address in a browser. The
 * server's folder holds copies of the lesson notebooks (notebooks/en and notebooks/ko) on the
 * tslab-dl kernel; Ctrl-C stops the server and removes the folder.
 */
import { cpSync } from "node:fs";
import { join } from "node:path";
import { REPO, startLab } from "./jupyterlab-lab";

async function main(): Promise<void> {
  const lab = await startLab("by-hand", { browser: false });
  for (const lang of ["en", "ko"])
    cpSync(join(REPO, "notebooks", lang), join(lab.notebooks, lang), { recursive: true });
  const address = `http://127.0.0.1:${lab.server.port}/static/lab.html?path=en/07-3-regularization.ipynb`;
  console.log(`JupyterLab notebook page: ${address}\n(change path= for another notebook: en/… or ko/…; Ctrl-C stops)`);
  process.once("SIGINT", () => void lab.stop().then(() => process.exit(0)));
}

void main();
