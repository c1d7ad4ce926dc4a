import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activationViolations, type VersionedMessage } from "../../src/deletions/table-version.js";
import type { ParsedOutput } from "../support/singer-check.js";
import { checkSingerOutput } from "../support/singer-check.js";
import { SimHarness, catalogSelecting, completeLines } from "../support/sim-harness.js";

const SIZE = {
  spaces: 2,
  personalSpaces: 0,
  emptySpaces: 0,
  reportsPerSpace: 3,
  queriesPerReport: 2,
  chartsPerQuery: 2,
  runsPerReport: 1,
  datasetsPerSpace: 0,
  members: 4,
  groups: 3,
  dataSources: 3,
  definitions: 3,
  auditLogs: 2,
};

/** Streams read in full every sync (docs/deletions.md): versioned, activated after each complete read. */
const VERSIONED = ["data_sources", "definitions", "groups", "group_memberships", "memberships", "spaces", "workspaces"];

const messagesOf = (output: ParsedOutput): VersionedMessage[] => output.messages as unknown as VersionedMessage[];

/**
 * The index of a stream's ACTIVATE_VERSION, checked to follow every record of the stream and precede the last STATE.
 */
function activationOf(output: ParsedOutput, stream: string): { index: number; version: number } {
  const messages = output.messages;
  const index = messages.findIndex((m) => m.type === "ACTIVATE_VERSION" && m.stream === stream);
  expect(index, `ACTIVATE_VERSION of ${stream}`).toBeGreaterThanOrEqual(0);
  const lastRecord = messages.findLastIndex((m) => m.type === "RECORD" && m.stream === stream);
  expect(index).toBeGreaterThan(lastRecord);
  expect(messages.slice(index + 1).some((m) => m.type === "STATE")).toBe(true);
  return { index, version: messages[index]?.version as number };
}

describe("deletions reach the output", () => {
  let h: SimHarness;
  const catalog = catalogSelecting();

  beforeAll(async () => {
    h = await SimHarness.start({ seed: 11, size: SIZE });
  });
  afterAll(() => h.stop());

  it(
    "members, groups, data sources and definitions by " + "ACTIVATE_VERSION; queries and charts by _sdc_deleted_at",
    async () => {
      const first = await h.tap({ catalog });
      expect(first.code).toBe(0);
      expect(activationViolations(messagesOf(first.output))).toEqual([]);
      const firstVersions = new Map(VERSIONED.map((s) => [s, activationOf(first.output, s).version] as const));

      const change = h.sim.model.mutate({
        deleteMembers: 1,
        deleteGroups: 1,
        deleteDataSources: 1,
        deleteDefinitions: 1,
        deleteQueries: 1,
        deleteCharts: 1,
      });
      // A new second: versions are whole seconds and must increase (they would anyway: the next version is at least
      // +1).
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const second = await h.tap({ catalog, state: first.output.lastState });
      expect(second.code).toBe(0);
      const out = second.output;
      expect(activationViolations(messagesOf(out))).toEqual([]);

      const gone: Array<[string, string, string]> = [
        ["memberships", "member_token", change.deletedMembers[0] ?? ""],
        ["groups", "token", change.deletedGroups[0] ?? ""],
        ["data_sources", "token", change.deletedDataSources[0] ?? ""],
        ["definitions", "token", change.deletedDefinitions[0] ?? ""],
      ];
      for (const [stream, key, token] of gone) {
        expect(token).not.toBe("");
        const before = (first.output.records.get(stream) ?? []).map((r) => r[key]);
        expect(before, `${stream} held ${token} before`).toContain(token);
        const records = out.records.get(stream) ?? [];
        expect(records.length).toBeGreaterThan(0);
        expect(records.map((r) => r[key])).not.toContain(token);
        const { version } = activationOf(out, stream);
        expect(version).toBeGreaterThan(firstVersions.get(stream) ?? Infinity);
        const versions = out.messages.filter((m) => m.type === "RECORD" && m.stream === stream).map((m) => m.version);
        expect(new Set(versions)).toEqual(new Set([version]));
      }

      // Queries and charts: one record each with _sdc_deleted_at, carrying the report (and query) tokens.
      const deletedQuery = change.deletedQueries[0] ?? "";
      const queryRecords = (out.records.get("queries") ?? []).filter((r) => r._sdc_deleted_at != null);
      expect(queryRecords.map((r) => r.token)).toEqual([deletedQuery]);
      expect(typeof queryRecords[0]?.report_token).toBe("string");
      const deletedChart = change.deletedCharts[0] ?? "";
      const chartRecords = (out.records.get("charts") ?? []).filter((r) => r._sdc_deleted_at != null);
      const chartTokens = chartRecords.map((r) => r.token);
      expect(chartTokens).toContain(deletedChart);
      // The deleted query's charts go with it.
      const chartsOfDeletedQuery = (first.output.records.get("charts") ?? [])
        .filter((r) => r.query_token === deletedQuery)
        .map((r) => r.token);
      expect(chartsOfDeletedQuery.length).toBeGreaterThan(0);
      expect([...chartTokens].sort()).toEqual([...new Set([deletedChart, ...chartsOfDeletedQuery])].sort());
      for (const r of chartRecords) expect(typeof r.query_token).toBe("string");
      // Each deletion record has the stream's full key set, like every other record.
      const chartKeys = Object.keys((out.records.get("charts") ?? []).find((r) => r._sdc_deleted_at == null) ?? {});
      if (chartKeys.length > 0) expect(Object.keys(chartRecords[0] ?? {}).sort()).toEqual([...chartKeys].sort());

      // Reported once: a third sync emits no deletion again, and the state no longer remembers the deleted children.
      const third = await h.tap({ catalog, state: second.output.lastState });
      expect((third.output.records.get("charts") ?? []).filter((r) => r._sdc_deleted_at != null)).toEqual([]);
      expect(JSON.stringify(third.output.lastState)).not.toContain(deletedQuery);
    },
  );

  it("with emit_activate_version_messages false: no ACTIVATE_VERSION and no version field", async () => {
    const off = await SimHarness.start({ seed: 11, size: SIZE }, { emit_activate_version_messages: false });
    try {
      const run = await off.tap({ catalog });
      expect(run.code).toBe(0);
      expect(run.stdout).not.toContain("ACTIVATE_VERSION");
      expect(run.output.messages.filter((m) => m.type === "RECORD" && "version" in m)).toEqual([]);
      expect(JSON.stringify(run.output.lastState)).not.toMatch(/"version"/);
    } finally {
      await off.stop();
    }
  });

  it("a listing tolerated as forbidden activates nothing for its stream", async () => {
    const denied = await SimHarness.start({ seed: 11, admin: false, size: SIZE });
    try {
      // groups answer 403 to a non-admin: the read is skipped, so no version of it is activated.
      const run = await denied.tap({ catalog: catalogSelecting((s) => s === "groups" || s === "memberships") });
      expect(run.code).toBe(0);
      expect(run.output.messages.some((m) => m.type === "ACTIVATE_VERSION" && m.stream === "groups")).toBe(false);
      expect(activationOf(run.output, "memberships").version).toBeGreaterThan(0);
    } finally {
      await denied.stop();
    }
  });
});

/** Sends `signal` once `afterRecords` RECORD lines of `stream` have arrived on the tap's stdout. */
function signalAfter(stream: string, afterRecords: number, signal: NodeJS.Signals): (child: ChildProcess) => void {
  return (child) => {
    let seen = 0;
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) if (line.startsWith(`{"type":"RECORD","stream":"${stream}"`)) seen++;
      if (seen >= afterRecords && child.exitCode === null && !child.killed) child.kill(signal);
    });
  };
}

describe("ACTIVATE_VERSION and interruptions", () => {
  let h: SimHarness;
  const catalog = catalogSelecting();

  beforeAll(async () => {
    h = await SimHarness.start(
      { seed: 12, size: { ...SIZE, spaces: 6, reportsPerSpace: 4 }, latencyMs: 3 },
      { state_interval_records: 3, max_concurrency: 2 },
    );
  });
  afterAll(() => h.stop());

  it("a read stopped by SIGTERM is not activated, and the resumed sync activates a new version of it", async () => {
    const stopped = await h.tap({ catalog, check: false, cli: { onSpawn: signalAfter("reports", 3, "SIGTERM") } });
    expect(stopped.code).toBe(143);
    const output = checkSingerOutput(completeLines(stopped.stdout), { requireFinalState: false });
    expect(activationViolations(messagesOf(output))).toEqual([]);
    // spaces were still being read (their pages interleave with reports): no activation of them.
    const spaceRecords = output.messages.filter((m) => m.type === "RECORD" && m.stream === "spaces");
    expect(spaceRecords.length).toBeGreaterThan(0);
    const partial = spaceRecords[0]?.version as number;
    expect(output.messages.some((m) => m.type === "ACTIVATE_VERSION" && m.stream === "spaces")).toBe(false);

    const resumed = await h.tap({ catalog, state: output.lastState });
    expect(resumed.code).toBe(0);
    const all = [...messagesOf(output), ...messagesOf(resumed.output)];
    expect(activationViolations(all)).toEqual([]);
    const activated = resumed.output.messages.filter((m) => m.type === "ACTIVATE_VERSION").map((m) => m.version);
    // The partial read's version is never activated; the spaces read again in full are.
    const spaces = activationOf(resumed.output, "spaces");
    expect(spaces.version).toBeGreaterThan(partial);
    expect(
      resumed.output.messages.filter(
        (m) => m.type === "ACTIVATE_VERSION" && m.stream === "spaces" && m.version === partial,
      ),
    ).toEqual([]);
    expect(activated.length).toBeGreaterThan(0);
  });

  it("a fatal error mid-read sends no ACTIVATE_VERSION for the read it interrupted", async () => {
    const failing = await SimHarness.start(
      { seed: 12, size: { ...SIZE, spaces: 6, reportsPerSpace: 4 }, faults: { rate: 0.3, kinds: { "500": 1 } } },
      { max_retries: 0, state_interval_records: 3 },
    );
    try {
      const run = await failing.tap({ catalog, check: false });
      expect(run.code).not.toBe(0);
      const output = checkSingerOutput(completeLines(run.stdout), { requireFinalState: false });
      expect(activationViolations(messagesOf(output))).toEqual([]);
      for (const m of output.messages.filter((x) => x.type === "ACTIVATE_VERSION")) {
        // Only a read that completed before the failure is activated: its stream has no record after it.
        const at = output.messages.indexOf(m);
        expect(output.messages.slice(at).some((x) => x.type === "RECORD" && x.stream === m.stream)).toBe(false);
      }
      expect(output.messages.some((m) => m.type === "ACTIVATE_VERSION" && m.stream === "spaces")).toBe(false);
    } finally {
      await failing.stop();
    }
  });
});

describe("streams the catalog sets to FULL_TABLE", () => {
  let h: SimHarness;

  beforeAll(async () => {
    h = await SimHarness.start({ seed: 13, size: SIZE });
  });
  afterAll(() => h.stop());

  it("reports, queries and charts read in full are versioned and activated; incremental ones are not", async () => {
    const fullTable = new Set(["reports", "queries", "charts"]);
    const catalog = catalogSelecting(
      (s) => s !== "query_results",
      (stream, root) => {
        if (fullTable.has(stream)) root["replication-method"] = "FULL_TABLE";
      },
    );
    const first = await h.tap({ catalog });
    expect(first.code).toBe(0);
    // A second sync on an unchanged workspace still reads them all, and activates a newer version.
    const second = await h.tap({ catalog, state: first.output.lastState });
    expect(second.code).toBe(0);
    for (const run of [first, second]) {
      expect(activationViolations(messagesOf(run.output))).toEqual([]);
      for (const stream of fullTable) {
        const { version } = activationOf(run.output, stream);
        const records = run.output.messages.filter((m) => m.type === "RECORD" && m.stream === stream);
        expect(records.length).toBeGreaterThan(0);
        expect(new Set(records.map((m) => m.version))).toEqual(new Set([version]));
      }
      for (const stream of ["report_filters", "runs", "query_results"])
        expect(run.output.messages.some((m) => m.type === "ACTIVATE_VERSION" && m.stream === stream)).toBe(false);
    }
    expect(activationOf(second.output, "queries").version).toBeGreaterThan(
      activationOf(first.output, "queries").version,
    );
  });
});
