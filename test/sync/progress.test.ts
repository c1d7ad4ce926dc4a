import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimHarness, catalogSelecting } from "../support/sim-harness.js";

describe("progress and summary on stderr", () => {
  let h: SimHarness;
  beforeAll(async () => {
    // 100 requests per second, so the sync lasts a few progress intervals.
    h = await SimHarness.start(
      {
        seed: 9,
        size: { spaces: 2, reportsPerSpace: 5, runsPerReport: 2 },
        rateLimit: { requests: 100, windowMs: 1000 },
      },
      { rate_limit_requests: 100, rate_limit_window_seconds: 1, progress_interval_seconds: 0.3 },
    );
  });
  afterAll(() => h.stop());

  it(
    "logs progress lines with records per stream, requests " +
      "and an estimate, then a summary and record_count metrics",
    async () => {
      const run = await h.tap({ catalog: catalogSelecting() });
      expect(run.code).toBe(0);
      const progress = run.stderr.split("\n").filter((l) => l.startsWith("INFO progress "));
      expect(progress.length).toBeGreaterThanOrEqual(2);
      expect(progress.at(-1)).toMatch(
        new RegExp(
          String.raw`records .*reports=\d+.* \| requests \d+ \(retries \d+, 429s 0, ` +
            String.raw`queued [\d.]+s on the rate limit\) \| (reports|spaces) \d+\/\d+ \(\d+%\)`,
        ),
      );
      // The time left: requests still needed at the recent rate, "at least" while some list sizes are unknown.
      for (const line of progress)
        expect(line).toMatch(
          / \| (about|at least) [\dhms.]+ left \(\d+\+? requests at [\d.]+\/s\)$| \| \d+\+? requests to go$/,
        );
      const first = /(\d+)\+? requests (at|to go)/.exec(progress[0] ?? "");
      const last = /(\d+)\+? requests (at|to go)/.exec(progress.at(-1) ?? "");
      expect(Number(last?.[1])).toBeLessThan(Number(first?.[1]));
      expect(run.stderr).toMatch(
        /^INFO sync finished in [\d.]+s: \d+ records \(.*reports \d+.*\); \d+ requests, \d+ retries, 0 answered 429/m,
      );
      expect(run.stderr).toMatch(
        /^INFO METRIC: \{"type":"counter","metric":"record_count","value":\d+,"tags":\{"endpoint":"reports"\}\}$/m,
      );
      // Request metrics by endpoint, not per request: one line per endpoint and progress tick (or the end) at most.
      const requestMetrics = run.stderr
        .split("\n")
        .filter((l) => l.startsWith('INFO METRIC: {"type":"timer","metric":"http_request_duration"'))
        .map((l) => JSON.parse(l.slice("INFO METRIC: ".length)) as { value: number; tags: Record<string, unknown> });
      expect(requestMetrics.find((m) => m.tags.endpoint === "/{workspace}/spaces")?.tags).toMatchObject({
        requests: expect.any(Number) as number,
        errors: 0,
        max_seconds: expect.any(Number) as number,
      });
      const requests = Number(/; (\d+) requests, /.exec(run.stderr)?.[1]);
      expect(requestMetrics.reduce((sum, m) => sum + Number(m.tags.requests), 0)).toBe(requests);
      expect(requestMetrics.length).toBeLessThanOrEqual((progress.length + 1) * 12);
      expect(requestMetrics.length).toBeLessThan(requests / 2);
      // Nothing but Singer messages on stdout.
      expect(
        run.stdout
          .split("\n")
          .filter(Boolean)
          .every((l) => /^\{"type":"(SCHEMA|RECORD|ACTIVATE_VERSION|STATE)"/.test(l)),
      ).toBe(true);
    },
  );
});
