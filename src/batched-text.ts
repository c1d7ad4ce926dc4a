/** Where text lines go: a stream, or the batching wrapper below. */
export interface TextOut {
  write(text: string): unknown;
}

/** Text is handed on once this many characters have gathered, without waiting for the end of the turn. */
const BATCH_CHARS = 16 * 1024;

/**
 * stderr with the lines of one turn of the event loop gathered into one write. process.stderr writes synchronously to
 * files and pipes (one system call per write), and an unthrottled sync logs a METRIC line per request (Singer
 * SYNC_MODE.md "Metric Messages"): one write per line was about 5% of the tap's CPU time (`npm run bench`). Order is
 * kept because every stderr line of the command, the CLI's own `CRITICAL` line included, goes through the same
 * instance; `flush()` hands on what is pending (the CLI calls it before returning its exit code).
 */
export class BatchedText implements TextOut {
  private pending = "";
  private scheduled = false;

  constructor(private readonly out: TextOut) {}

  write(text: string): boolean {
    this.pending += text;
    if (this.pending.length >= BATCH_CHARS) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
    return true;
  }

  flush(): void {
    if (this.pending === "") return;
    const text = this.pending;
    this.pending = "";
    this.out.write(text);
  }
}
