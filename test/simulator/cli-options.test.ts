import { describe, expect, it } from "vitest";
import { parseSimulatorArgs, USAGE } from "../../src/simulator/cli-options.js";

describe("simulator command-line flags", () => {
  it("turn into SimulatorOptions", () => {
    const parsed = parseSimulatorArgs([
      "--port",
      "8080",
      "--seed",
      "3",
      "--workspace",
      "demo",
      "--rate-limit",
      "40/1000",
      "--no-retry-after",
      "--fault-rate",
      "0.1",
      "--fault-kinds",
      "500=2,reset",
      "--slow-ms",
      "50",
      "--reports-per-space",
      "2000",
      "--runs-per-report",
      "20",
      "--integer-ids",
      "--no-admin",
      "--no-discovery",
      "--run-delay-ms",
      "5",
      "--latency-ms",
      "1",
    ]);
    expect(parsed).toEqual({
      help: false,
      options: {
        port: 8080,
        seed: 3,
        workspace: "demo",
        admin: false,
        discovery: { enabled: false },
        integerIds: true,
        rateLimit: { requests: 40, windowMs: 1000, retryAfter: false },
        faults: { rate: 0.1, kinds: { "500": 2, reset: 1 }, slowMs: 50 },
        runDelayMs: 5,
        latencyMs: 1,
        size: { reportsPerSpace: 2000, runsPerReport: 20 },
      },
    });
  });

  it("switch the rate limit off, print help and reject bad values", () => {
    expect(parseSimulatorArgs(["--rate-limit", "off"])).toEqual({
      help: false,
      options: { rateLimit: false, size: {} },
    });
    expect(parseSimulatorArgs(["--help"])).toEqual({ help: true });
    expect(USAGE).toContain("--reports-per-space N");
    expect(() => parseSimulatorArgs(["--port", "x"])).toThrow("--port must be a non-negative integer");
    expect(() => parseSimulatorArgs(["--rate-limit", "fast"])).toThrow("--rate-limit must be N/MS");
    expect(() => parseSimulatorArgs(["--bogus"])).toThrow();
  });
});
