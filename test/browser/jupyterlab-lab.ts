/**
 * The JupyterLab notebook page (jupyterlab-notebook-page.ts) served by a Jupyter server for the
 * JupyterLab browser tests: the page and JupyterLab's style sheets bundled with esbuild into the
 * server's extra static folder (same origin as the API, so no CORS), Debian's `jupyter notebook`
 * on 127.0.0.1 with a token, the tslab-dl kernel installed into a private prefix, headless
 * Chromium. The work folder lies under out/ in the repository, so that cells import "tslab-dl".
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { jupyterMissing, tempInstall, type TempInstall } from "../kernel/helpers";
import { startNotebookServer, type NotebookServer } from "./classic-notebook";
import type { LabCell, LabNotebookPage } from "./jupyterlab-notebook-page";

export const REPO = resolve(__dirname, "../../..");
/** Where the JupyterLab tests write their screenshots (ignored by git). */
export const ARTIFACTS = join(REPO, "test-artifacts", "jupyterlab");
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];

const missing = [CHROMIUM, "/usr/bin/jupyter"].filter((p) => !existsSync(p));
/** Why the JupyterLab tests cannot run here, or undefined. */
export const LAB_SKIP =
  jupyterMissing() ??
  (missing.length ? `needs ${missing.join(" and ")} (Debian chromium, jupyter-notebook)` : undefined);

/** A started server with the page, and a browser. */
export interface Lab {
  /** The server's notebook folder: write notebooks here, open them by their relative path. */
  notebooks: string;
  server: NotebookServer;
  /** Headless Chromium; undefined when started with `{ browser: false }` (by hand). */
  browser?: Browser;
  stop(): Promise<void>;
}

/** A page with one notebook open, and what went wrong on it. */
export interface LabSession {
  page: Page;
  /** Page errors and console errors, in order. */
  problems: string[];
  /** Run cell `index` and wait until it has finished; returns whether it ran without an error. */
  runCell(index: number, timeoutMs?: number): Promise<boolean>;
  cells(): Promise<LabCell[]>;
  close(): Promise<void>;
}

type LabWindow = Window & { lab: LabNotebookPage };

/** Bundle the page's script and JupyterLab's CSS (webpack's `~package` imports resolved) into `dir`. */
async function bundle(dir: string): Promise<void> {
  const esbuild = await import("esbuild");
  const tilde = {
    name: "tilde-imports",
    setup(build: import("esbuild").PluginBuild) {
      build.onResolve({ filter: /^~/ }, (args) => ({ path: require.resolve(args.path.slice(1)) }));
    },
  };
  const common = { bundle: true, logLevel: "error" as const, plugins: [tilde] };
  await esbuild.build({
    ...common,
    entryPoints: [join(__dirname, "jupyterlab-notebook-page.js")],
    platform: "browser",
    format: "iife",
    outfile: join(dir, "lab.js"),
    define: { "process.env.NODE_ENV": '"production"', global: "window" },
    // Icons are SVG text, as JupyterLab's webpack build loads them.
    loader: { ".svg": "text", ".css": "empty" },
  });
  const styles = [
    "@jupyterlab/theme-light-extension/style/theme.css",
    "@jupyterlab/notebook/style/index.css",
    "@jupyterlab/completer/style/index.css",
    "@jupyterlab/tooltip/style/index.css",
    "@jupyter-widgets/base/css/index.css",
    "@jupyter-widgets/controls/css/widgets-base.css",
  ];
  const entry = join(dir, "lab-entry.css");
  writeFileSync(entry, styles.map((s) => `@import url(${JSON.stringify(require.resolve(s))});`).join("\n"));
  const fonts = [".woff", ".woff2", ".ttf", ".eot", ".svg", ".png", ".gif"];
  await esbuild.build({
    ...common,
    entryPoints: [entry],
    outfile: join(dir, "lab.css"),
    loader: Object.fromEntries(fonts.map((ext) => [ext, "dataurl" as const])),
  });
}

/** Start the server with the page and (unless `browser: false`) a browser; `name` names the work folder. */
export async function startLab(name: string, options: { browser?: boolean } = {}): Promise<Lab> {
  mkdirSync(join(REPO, "out"), { recursive: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  const work = mkdtempSync(join(REPO, "out", `jupyterlab-${name}-`));
  const install: TempInstall = tempInstall();
  const statics = join(work, "static");
  const notebooks = join(work, "notebooks");
  mkdirSync(statics);
  mkdirSync(notebooks);
  await bundle(statics);
  const token = randomBytes(16).toString("hex");
  const config = JSON.stringify({ baseUrl: "/", token });
  writeFileSync(
    join(statics, "lab.html"),
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>tslab-dl in JupyterLab</title>
<script id="jupyter-config-data" type="application/json">${config}</script>
<link rel="stylesheet" href="lab.css">
<style>body { margin: 0; height: 100vh; display: flex; } #notebook { flex: 1; height: 100vh; }</style>
</head><body class="jp-ThemedContainer" data-jp-theme-light="true"><script src="lab.js"></script></body></html>`,
  );
  const server = await startNotebookServer(
    work,
    notebooks,
    { JUPYTER_PATH: install.jupyterPath },
    { token, args: [`--NotebookApp.extra_static_paths=${JSON.stringify([statics])}`] },
  );
  const { chromium } = await import("playwright-core");
  const browser =
    options.browser === false ? undefined : await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    notebooks,
    server,
    browser,
    async stop() {
      await browser?.close();
      await server.stop();
      install.remove();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Open the page and, in it, the notebook at `path` (relative to `lab.notebooks`), its kernel started. */
export async function openNotebook(lab: Lab, path: string): Promise<LabSession> {
  if (!lab.browser) throw new Error("this lab was started without a browser ({ browser: false })");
  const page = await lab.browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console.error: ${m.text()}`);
  });
  await page.goto(`http://127.0.0.1:${lab.server.port}/static/lab.html`, { waitUntil: "load" });
  const opened = await page.evaluate((p) => (window as unknown as LabWindow).lab.open(p), path);
  if (opened.kernel !== "tslab-dl") throw new Error(`${path} opened on kernel ${opened.kernel}, expected tslab-dl`);
  return {
    page,
    problems,
    async runCell(index, timeoutMs = 600_000) {
      await page.evaluate((i) => (window as unknown as LabWindow).lab.run(i), index);
      return page.evaluate(
        ([i, ms]) =>
          Promise.race([
            (window as unknown as LabWindow).lab.finished(i),
            new Promise<boolean>((_, reject) => setTimeout(() => reject(new Error(`cell ${i} still running`)), ms)),
          ]),
        [index, timeoutMs] as const,
      );
    },
    cells: () => page.evaluate(() => (window as unknown as LabWindow).lab.cells()),
    async close() {
      await page.evaluate(() => (window as unknown as LabWindow).lab.shutdown()).catch(() => undefined);
      await page.close();
    },
  };
}
