import type { ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { bearerValue } from "../../src/discovery/signature-token.js";
import { computeDiscoveryTruth } from "../../src/simulator/truth.js";
import type { SimulatorOptions } from "../../src/simulator/types.js";
import { findStream, streamDefinitions } from "../../src/streams/registry.js";
import { SimHarness, catalogSelecting, keysOf, type TapRun } from "../support/sim-harness.js";
import { assertNoSecrets } from "../support/singer-check.js";

/**
 * The discovery-list walk end to end: the built command against the simulator's Discovery API (small workspace), from
 * the signature token's creation to its deletion after success, a fatal error and SIGTERM, and the non-Enterprise path.
 */
const DISCOVERY = streamDefinitions()
  .filter((d) => d.api === "discovery")
  .map((d) => d.name);
const SIZE = {
  spaces: 2,
  personalSpaces: 1,
  emptySpaces: 0,
  reportsPerSpace: 4,
  queriesPerReport: 2,
  runsPerReport: 1,
};

let h: SimHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function start(options: SimulatorOptions = {}, config: Record<string, unknown> = {}): Promise<SimHarness> {
  h = await SimHarness.start({ seed: 3, size: SIZE, ...options }, config);
  return h;
}

const keyOf = (stream: string): string => findStream(stream)?.keyProperties[0] ?? "token";

/** Every secret of the tokens the run created: key and secret parts, and the Bearer value built from them. */
function tokenSecrets(harness: SimHarness): string[] {
  return harness.sim.discovery
    .signatureTokens()
    .flatMap((t) => [t.accessKey, t.accessSecret, bearerValue(t.token, t.accessKey, t.accessSecret)]);
}

function expectNoTokenSecrets(harness: SimHarness, run: TapRun): void {
  const secrets = tokenSecrets(harness);
  expect(secrets.length).toBeGreaterThan(0);
  assertNoSecrets(run.stdout + run.stderr, secrets);
}

const warningsIn = (stderr: string): string[] => stderr.split("\n").filter((l) => l.startsWith("WARNING"));

describe("the discovery_* streams in a sync", () => {
  it("sync every Discovery list to the simulator's truth with one signature token, deleted after success", async () => {
    const harness = await start();
    const run = await harness.tap({ catalog: catalogSelecting((s) => DISCOVERY.includes(s) || s === "spaces") });
    expect(run.code, run.stderr).toBe(0);
    const truth = computeDiscoveryTruth(harness.sim.model.world);
    for (const stream of DISCOVERY) {
      expect(truth[stream]?.length ?? 0, stream).toBeGreaterThan(0);
      expect(keysOf(run.output, stream, keyOf(stream)), stream).toEqual(truth[stream]);
    }
    expect(keysOf(run.output, "spaces")).toEqual([...(harness.sim.model.truth().spaces ?? [])].sort());
    const tokens = harness.sim.discovery.signatureTokens();
    expect(tokens).toHaveLength(1);
    expect(tokens[0]?.name).toMatch(/^tap-mode \d{4}-\d\d-\d\dT/);
    expect(harness.sim.discovery.liveSignatureTokens()).toHaveLength(0);
    expect(run.stderr).toMatch(/Discovery API: deleted signature token/);
    expect(warningsIn(run.stderr)).toEqual([]);
    // The final STATE carries no resume marker of the lists.
    expect(JSON.stringify(run.output.lastState)).not.toMatch(/completed_sync/);
    expectNoTokenSecrets(harness, run);
  });

  it("create no token when no Discovery stream is selected", async () => {
    const harness = await start();
    const run = await harness.tap({ catalog: catalogSelecting((s) => s === "spaces") });
    expect(run.code, run.stderr).toBe(0);
    expect(harness.sim.discovery.signatureTokens()).toHaveLength(0);
  });

  it("off Enterprise: one WARNING naming the Discovery API, the REST streams synced, exit 0", async () => {
    const harness = await start({ discovery: { enabled: false } });
    const run = await harness.tap({ catalog: catalogSelecting((s) => DISCOVERY.includes(s) || s === "spaces") });
    expect(run.code, run.stderr).toBe(0);
    const warnings = warningsIn(run.stderr);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Discovery API unavailable: .*403.*Enterprise.*admin/);
    expect(keysOf(run.output, "spaces")).toEqual([...(harness.sim.model.truth().spaces ?? [])].sort());
    for (const stream of DISCOVERY) expect(run.output.records.get(stream) ?? [], stream).toEqual([]);
    expect(harness.sim.discovery.signatureTokens()).toHaveLength(0);
  });

  it("a fatal error on a Discovery list: exit 1, the token deleted, its secrets nowhere", async () => {
    // per_page=1000 answered 400, and 999 too: the fallback is tried once, then the list fails the sync.
    const harness = await start({ discovery: { maxPerPage: 500 } });
    const run = await harness.tap({ catalog: catalogSelecting((s) => DISCOVERY.includes(s)), check: false });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/per_page=1000 answered HTTP 400; asking again with per_page=999/);
    expect(run.stderr).toMatch(/CRITICAL .*400/);
    expect(harness.sim.discovery.signatureTokens()).toHaveLength(1);
    expect(harness.sim.discovery.liveSignatureTokens()).toHaveLength(0);
    expectNoTokenSecrets(harness, run);
  });

  it("SIGTERM mid-sync: the token is deleted before the exit, code 143", async () => {
    // One request a second, so the six lists are still being read when the signal arrives.
    const harness = await start({}, { rate_limit_requests: 1, rate_limit_window_seconds: 1 });
    let timer: NodeJS.Timeout | undefined;
    const onSpawn = (child: ChildProcess): void => {
      timer = setInterval(() => {
        if (harness.sim.discovery.signatureTokens().length > 0 && child.exitCode === null && !child.killed) {
          clearInterval(timer);
          child.kill("SIGTERM");
        }
      }, 10);
    };
    const started = Date.now();
    const run = await harness.tap({
      catalog: catalogSelecting((s) => DISCOVERY.includes(s)),
      check: false,
      cli: { onSpawn, timeoutMs: 30_000 },
    });
    clearInterval(timer);
    expect(run.code, run.stderr).toBe(143);
    expect(run.stderr).toMatch(/received SIGTERM/);
    expect(run.stderr).toMatch(/Discovery API: deleted signature token/);
    expect(harness.sim.discovery.signatureTokens()).toHaveLength(1);
    expect(harness.sim.discovery.liveSignatureTokens()).toHaveLength(0);
    // Not every list was read: the signal did come mid-sync.
    expect(DISCOVERY.filter((s) => (run.output.records.get(s) ?? []).length > 0).length).toBeLessThan(DISCOVERY.length);
    expect(Date.now() - started).toBeLessThan(20_000);
    expectNoTokenSecrets(harness, run);
  });
});
