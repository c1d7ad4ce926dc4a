import { TargetClosedError } from "../errors.js";

const RESOLVED: Promise<void> = Promise.resolve();

/** Lines are gathered up to this many characters before one write() (a pipe's buffer is 64 KiB on Linux). */
const BATCH_CHARS = 64 * 1024;

/**
 * The one place that writes to stdout. Each message is one JSON line. Lines are gathered and handed to the stream in
 * one write() per batch (at most 64 KiB, or at the end of the current turn of the event loop): stdout on a pipe is
 * written synchronously on Linux, one system call per write, which made one write per record the largest cost of an
 * unthrottled sync. Order is kept, so a STATE still follows the records it covers. When the pipe is full (write()
 * returns false) callers wait for 'drain', so a slow target slows the tap instead of filling memory
 * (docs/singer-notes.md §5 "Node.js stdout behaviour"). A closed pipe (EPIPE: the target died) turns into a
 * TargetClosedError rather than an unhandled 'error' event.
 */
export class LineWriter {
  private closedError: TargetClosedError | undefined;
  private drainWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private pending: string[] = [];
  private pendingChars = 0;
  private scheduled = false;
  private lines = 0;

  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {
    out.on("error", (error: NodeJS.ErrnoException) => this.fail(error));
    out.on("drain", () => this.releaseDrainWaiters());
  }

  /** Queues one line (the text must not contain a newline). Resolves when the stream can take more. */
  writeLine(text: string): Promise<void> {
    if (this.closedError) return Promise.reject(this.closedError);
    this.lines++;
    this.pending.push(text, "\n");
    this.pendingChars += text.length + 1;
    if (this.pendingChars >= BATCH_CHARS) return this.writePending();
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        // A failure here reaches the next caller through closedError.
        this.writePending().catch(() => undefined);
      });
    }
    return RESOLVED;
  }

  /** Serialises a value as one JSON line. */
  writeJson(value: unknown): Promise<void> {
    return this.writeLine(JSON.stringify(value));
  }

  /** Resolves once everything written so far has been handed to the operating system. */
  async flush(): Promise<void> {
    await this.writePending();
    if (this.closedError) throw this.closedError;
    await new Promise<void>((resolve, reject) => {
      this.out.write("", (error?: Error | null) => {
        if (error) reject(this.closedError ?? error);
        else resolve();
      });
    });
  }

  get linesWritten(): number {
    return this.lines;
  }

  get closed(): boolean {
    return this.closedError !== undefined;
  }

  private writePending(): Promise<void> {
    if (this.closedError) return Promise.reject(this.closedError);
    if (this.pending.length === 0) return RESOLVED;
    const chunk = this.pending.join("");
    this.pending = [];
    this.pendingChars = 0;
    if (this.out.write(chunk)) return RESOLVED;
    return new Promise<void>((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
  }

  private fail(error: NodeJS.ErrnoException): void {
    this.closedError ??= new TargetClosedError();
    if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") {
      this.closedError.message += ` (${error.code ?? error.message})`;
    }
    this.pending = [];
    this.pendingChars = 0;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w.reject(this.closedError);
  }

  private releaseDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w.resolve();
  }
}
