/** The functions a V8 CPU profile spent its time in, by self time: what `npm run bench` lists per model. */
import * as fs from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

/**
 * The `top` functions by self time, each with its share of all samples ("gemmSkip 31%").
 * Samples are counted, not weighted by the time between them: on a machine shared with other
 * work, that time includes spells when the process was not running at all.
 */
export function topFunctions(file: string, top = 6): { name: string; share: number }[] {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byName = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id) => {
    const frame = (nodes.get(id) as ProfileNode).callFrame;
    const where = frame.url ? frame.url.split("/").slice(-2).join("/") : "";
    const name = `${frame.functionName || "(anonymous)"}${where && !where.startsWith("wasm") ? ` (${where})` : ""}`;
    byName.set(name, (byName.get(name) ?? 0) + 1);
    total += 1;
  });
  return [...byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, t]) => ({ name, share: t / Math.max(total, 1) }));
}
