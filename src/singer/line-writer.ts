import { TargetClosedError } from "../errors.js";

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * The one place that writes to stdout. Each message is one JSON line in a single write() call; when the pipe is full
 * (write() returns false) the caller awaits 'drain', so a slow target slows the tap instead of filling memory
 * (singer.md §5 "Node.js stdout behaviour": pipes are asynchronous, 64 KiB buffer). A closed pipe (EPIPE: the target
 * died) turns into a TargetClosedError rather than an unhandled 'error' event.
 */
export class LineWriter {
  private closedError: TargetClosedError | undefined;
  private drainWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private lines = 0;

  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {
    out.on("error", (error: NodeJS.ErrnoException) => this.fail(error));
    out.on("drain", () => this.releaseDrainWaiters());
  }

  /** Writes one line (the text must not contain a newline). Resolves when the stream can take more. */
  writeLine(text: string): Promise<void> {
    if (this.closedError) return Promise.reject(this.closedError);
    this.lines++;
    const ok = this.out.write(`${text}\n`);
    if (ok) return RESOLVED;
    return new Promise<void>((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
  }

  /** Serialises a value as one JSON line. */
  writeJson(value: unknown): Promise<void> {
    return this.writeLine(JSON.stringify(value));
  }

  /** Resolves once everything written so far has been handed to the operating system. */
  flush(): Promise<void> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise<void>((resolve, reject) => {
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

  private fail(error: NodeJS.ErrnoException): void {
    this.closedError ??= new TargetClosedError();
    if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") {
      this.closedError.message += ` (${error.code ?? error.message})`;
    }
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
