/**
 * Parse XML with a real parser (Python's expat, from Debian's python3), for tests:
 * well-formedness, and what a document holds (elements by tag, their attributes, texts).
 */
import { spawnSync } from "node:child_process";

/** What a parsed XML document holds. */
export interface ParsedXml {
  root: string;
  /** Every element: tag (namespace stripped), attributes, text content. */
  elements: Array<{ tag: string; attrs: { [name: string]: string }; text: string }>;
}

const SCRIPT = `
import sys, json
import xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
strip = lambda t: t.split('}', 1)[-1]
out = {"root": strip(root.tag), "elements": [
  {"tag": strip(e.tag), "attrs": {strip(k): v for k, v in e.attrib.items()}, "text": "".join(e.itertext())}
  for e in root.iter()]}
print(json.dumps(out))
`;

/** Parse an XML document; throws with the parser's message when it is not well-formed. */
export function parseXml(xml: string): ParsedXml {
  const r = spawnSync("/usr/bin/python3", ["-c", SCRIPT], { input: xml, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`not well-formed XML: ${r.stderr.trim().split("\n").pop()}`);
  return JSON.parse(r.stdout) as ParsedXml;
}
