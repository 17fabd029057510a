/**
 * A node:test reporter that writes one JSON line per skipped test (its name, file and
 * reason), for test/run.ts to summarise and, under CI=true, to fail on.
 */
interface TestEvent {
  type: string;
  data: { name?: string; file?: string; skip?: boolean | string; nesting?: number };
}

async function* skipReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { skip, name, file } = event.data;
    if (skip === undefined || skip === false) continue;
    yield JSON.stringify({ name, file, reason: typeof skip === "string" ? skip : "skipped" }) + "\n";
  }
}

export = skipReporter;
