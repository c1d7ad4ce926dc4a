/**
 * Preloaded into the tap's process by the benchmark (`node --import dist/bench/child-usage.js dist/src/cli.js ...`):
 * at exit it writes the process's own resource usage (peak RSS, user and system CPU time, from getrusage) as JSON to
 * the file named by TAP_MODE_BENCH_USAGE_FILE. The parent cannot read a child's rusage in Node, and polling
 * /proc/<pid>/status would miss the last moments of the run. It also samples the V8 heap every 200 ms (an unref'd
 * timer), so a peak RSS can be split into heap committed, heap in use and memory outside the heap.
 */
import { writeFileSync } from "node:fs";

/** What the preload writes. */
export interface ChildUsage {
  /** Peak resident set size in bytes (ru_maxrss). */
  readonly maxRssBytes: number;
  readonly userCpuMicros: number;
  readonly systemCpuMicros: number;
  /** Highest V8 heap committed (heapTotal) seen while sampling. */
  readonly peakHeapTotalBytes: number;
  /** Highest V8 heap in use (heapUsed) seen while sampling: live data plus garbage not yet collected. */
  readonly peakHeapUsedBytes: number;
  /** Highest memory held by Buffers and other objects outside the V8 heap (external). */
  readonly peakExternalBytes: number;
}

const target = process.env.TAP_MODE_BENCH_USAGE_FILE;
if (target !== undefined && target !== "") {
  const peaks = { heapTotal: 0, heapUsed: 0, external: 0 };
  const sample = (): void => {
    const m = process.memoryUsage();
    peaks.heapTotal = Math.max(peaks.heapTotal, m.heapTotal);
    peaks.heapUsed = Math.max(peaks.heapUsed, m.heapUsed);
    peaks.external = Math.max(peaks.external, m.external);
  };
  setInterval(sample, 200).unref();
  process.on("exit", () => {
    sample();
    const usage = process.resourceUsage();
    // ru_maxrss is in kilobytes on Linux.
    const report: ChildUsage = {
      maxRssBytes: usage.maxRSS * 1024,
      userCpuMicros: usage.userCPUTime,
      systemCpuMicros: usage.systemCPUTime,
      peakHeapTotalBytes: peaks.heapTotal,
      peakHeapUsedBytes: peaks.heapUsed,
      peakExternalBytes: peaks.external,
    };
    writeFileSync(target, JSON.stringify(report));
  });
}
