import { isoMs } from "./time.js";
import type { SimulatorStats } from "./types.js";

/** Traffic counters of the `/api` tree (control requests are not counted). */
export class StatsRecorder {
  private since: number;
  private requests = 0;
  private byRoute = new Map<string, number>();
  private byStatus = new Map<string, number>();
  private rateLimited = 0;
  private faults = new Map<string, number>();
  private maxConcurrent = 0;
  private inFlight = 0;
  private resultRows = 0;

  constructor(private readonly now: () => number) {
    this.since = now();
  }

  /** A request arrived on `route` ("GET /{ws}/spaces"). Returns the function to call when it is finished. */
  begin(route: string): () => void {
    this.requests++;
    this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
    this.inFlight++;
    if (this.inFlight > this.maxConcurrent) this.maxConcurrent = this.inFlight;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight--;
    };
  }

  status(code: number): void {
    const key = String(code);
    this.byStatus.set(key, (this.byStatus.get(key) ?? 0) + 1);
    if (code === 429) this.rateLimited++;
  }

  fault(kind: string): void {
    this.faults.set(kind, (this.faults.get(kind) ?? 0) + 1);
  }

  rows(count: number): void {
    this.resultRows += count;
  }

  snapshot(): SimulatorStats {
    return {
      since: isoMs(this.since),
      requests: this.requests,
      byRoute: Object.fromEntries([...this.byRoute].sort(([a], [b]) => a.localeCompare(b))),
      byStatus: Object.fromEntries(this.byStatus),
      rateLimited: this.rateLimited,
      faults: Object.fromEntries(this.faults),
      maxConcurrent: this.maxConcurrent,
      inFlight: this.inFlight,
      resultRows: this.resultRows,
    };
  }

  /** Zeroes every counter; requests in flight stay counted as in flight. */
  reset(): void {
    this.since = this.now();
    this.requests = 0;
    this.byRoute = new Map();
    this.byStatus = new Map();
    this.rateLimited = 0;
    this.faults = new Map();
    this.maxConcurrent = this.inFlight;
    this.resultRows = 0;
  }
}
