/**
 * Captures `process.stdout` and `process.stderr` while the kernel runs and
 * sends what is written as `stream` messages to the notebook.
 *
 * Writes are buffered for one turn of the event loop and merged, so a loop of
 * `console.log` becomes a few messages rather than thousands; the kernel
 * flushes the buffer before any other output so that order is kept.
 */
import { StringDecoder } from "node:string_decoder";

/** The two stream names of the Jupyter protocol. */
type StreamName = "stdout" | "stderr";

/** What the capture sends: one `stream` message. */
type StreamSink = (name: StreamName, text: string) => void;

type Write = typeof process.stdout.write;

/**
 * Redirects the process's stdout/stderr into `stream` messages.
 *
 * @example
 * const capture = new StreamCapture((name, text) => server.publish("stream", { name, text }, parent));
 * capture.install();
 * console.log("hi"); // → stream stdout "hi\n" on the next tick
 */
export class StreamCapture {
  private chunks: Array<{ name: StreamName; text: string }> = [];
  private scheduled = false;
  private originals?: { stdout: Write; stderr: Write };
  private readonly decoders = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };

  constructor(private readonly sink: StreamSink) {}

  /** Start capturing. Idempotent. */
  install(): void {
    if (this.originals) return;
    this.originals = { stdout: process.stdout.write, stderr: process.stderr.write };
    process.stdout.write = this.writer("stdout");
    process.stderr.write = this.writer("stderr");
  }

  /** Stop capturing and restore the real streams (after a last flush). */
  uninstall(): void {
    if (!this.originals) return;
    this.flush();
    process.stdout.write = this.originals.stdout;
    process.stderr.write = this.originals.stderr;
    this.originals = undefined;
  }

  /** Queue text for a stream. */
  write(name: StreamName, text: string): void {
    if (text === "") return;
    const last = this.chunks[this.chunks.length - 1];
    if (last && last.name === name) last.text += text;
    else this.chunks.push({ name, text });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Send everything queued now. */
  flush(): void {
    this.scheduled = false;
    const chunks = this.chunks;
    this.chunks = [];
    for (const { name, text } of chunks) this.sink(name, text);
  }

  private writer(name: StreamName): Write {
    const decoder = this.decoders[name];
    const write = (chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean => {
      let text: string;
      if (typeof chunk === "string") text = chunk;
      else if (chunk instanceof Uint8Array)
        text = decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      else text = String(chunk);
      this.write(name, text);
      const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
      if (typeof done === "function") queueMicrotask(() => (done as (err?: Error | null) => void)(null));
      return true;
    };
    return write as Write;
  }
}
