import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonSchema } from "../../src/schemas.js";
import { schemaRegistryOf } from "../../src/schemas.js";
import type { StreamRegistry } from "../../src/runtime.js";
import { startSimulator, type RunningSimulator } from "../../src/simulator/index.js";
import type { StreamDefinition, WalkKind } from "../../src/streams/types.js";
import type { Strategy } from "../../src/sync/context.js";
import { strategyOf } from "../../src/sync/strategies/index.js";
import type { RunResource } from "../../src/sync/resources.js";
import { syncInProcess, type WalkRun } from "./walk-support.js";

/**
 * "Adding a stream of any kind is one stream file plus its schema": a throwaway stream of every walk kind, declared
 * here (definition and schema only, no production code) over the simulator's endpoints, is synced once registered.
 */
const token = (record: Readonly<Record<string, unknown>>): string => String(record.token);
const base = { keyProperties: ["token"], validReplicationKeys: [], replicationMethods: ["FULL_TABLE"] } as const;

const THROWAWAY: readonly StreamDefinition[] = [
  {
    ...base,
    name: "tw_data_sources",
    walk: "workspace-list",
    path: "/{workspace}/data_sources",
    kind: "list",
    embeddedKey: "data_sources",
    paged: false,
    contextFields: {},
    selectedByDefault: true,
    description: "workspace-list",
  },
  {
    ...base,
    name: "tw_spaces",
    walk: "partition-list",
    path: "/{workspace}/spaces",
    kind: "list",
    embeddedKey: "spaces",
    paged: true,
    perPage: 30,
    cursor: "page",
    contextFields: {},
    childContext: (r) => ({ space: token(r) }),
    query: (config): Record<string, string> => (config.includePersonalSpaces ? { filter: "all" } : {}),
    selectedByDefault: true,
    description: "partition-list",
  },
  {
    ...base,
    name: "tw_space_members",
    walk: "with-parent",
    path: "/{workspace}/spaces/{space}/memberships",
    kind: "list",
    embeddedKey: "space_memberships",
    paged: false,
    parent: "tw_spaces",
    contextFields: { space_token: "space" },
    tolerate: [403, 404],
    selectedByDefault: true,
    description: "with-parent, own units",
  },
  {
    ...base,
    name: "tw_reports",
    walk: "versioned-parent",
    path: "/{workspace}/spaces/{space}/reports",
    kind: "list",
    embeddedKey: "reports",
    paged: true,
    perPage: 30,
    cursor: "page",
    validReplicationKeys: ["updated_at"],
    replicationMethods: ["INCREMENTAL", "FULL_TABLE"],
    defaultReplicationKey: "updated_at",
    parent: "tw_spaces",
    contextFields: { space_token: "space" },
    childContext: (r) => ({ report: token(r) }),
    tolerate: [403, 404],
    selectedByDefault: true,
    description: "versioned-parent",
  },
  {
    ...base,
    name: "tw_queries",
    walk: "with-parent",
    path: "/{workspace}/reports/{report}/queries",
    kind: "list",
    embeddedKey: "queries",
    paged: false,
    replicationMethods: ["INCREMENTAL", "FULL_TABLE"],
    parent: "tw_reports",
    contextFields: { report_token: "report" },
    childContext: (r) => ({ query: token(r) }),
    tolerate: [404],
    selectedByDefault: true,
    description: "with-parent, in the parent's unit",
  },
  {
    ...base,
    name: "tw_query_sources",
    walk: "derived",
    path: null,
    kind: "list",
    paged: false,
    replicationMethods: ["INCREMENTAL", "FULL_TABLE"],
    parent: "tw_queries",
    derivedFrom: ["tw_queries"],
    lookups: ["tw_data_sources"],
    derive: (query, context, lookups) => [
      {
        token: token(query),
        report_token: context.report ?? null,
        data_source_name: lookups.index("tw_data_sources", "id").get(String(query.data_source_id))?.name ?? null,
      },
    ],
    contextFields: {},
    selectedByDefault: true,
    description: "derived",
  },
  {
    ...base,
    name: "tw_runs",
    walk: "run-partitioned",
    path: "/{workspace}/reports/{report}/runs",
    kind: "list",
    embeddedKey: "report_runs",
    paged: true,
    perPage: 100,
    cursor: "page",
    validReplicationKeys: ["created_at", "updated_at"],
    replicationMethods: ["INCREMENTAL", "FULL_TABLE"],
    defaultReplicationKey: "updated_at",
    parent: "tw_reports",
    contextFields: { report_token: "report" },
    childContext: (r) => ({ run: token(r) }),
    tolerate: [404],
    selectedByDefault: true,
    description: "run-partitioned",
  },
  {
    ...base,
    name: "tw_query_runs",
    walk: "with-parent",
    path: "/{workspace}/reports/{report}/runs/{run}/query_runs",
    kind: "list",
    embeddedKey: "query_runs",
    paged: false,
    replicationMethods: ["INCREMENTAL", "FULL_TABLE"],
    parent: "tw_runs",
    contextFields: { run_token: "run" },
    tolerate: [404],
    selectedByDefault: true,
    description: "with-parent under runs",
  },
  {
    ...base,
    name: "tw_results",
    walk: "results",
    path: null,
    kind: "results",
    paged: false,
    keyProperties: ["query_run_token", "row_number"],
    parent: "tw_query_runs",
    contextFields: { query_run_token: "query_run" },
    tolerate: [404],
    selectedByDefault: true,
    description: "results",
  },
  {
    ...base,
    name: "tw_audit",
    walk: "time-window",
    path: "/{workspace}/audit_logs",
    kind: "list",
    embeddedKey: "audit_logs",
    paged: true,
    cursor: "next_token",
    keyProperties: ["id"],
    validReplicationKeys: ["timestamp"],
    replicationMethods: ["INCREMENTAL", "FULL_TABLE"],
    defaultReplicationKey: "timestamp",
    window: { startParam: "start_timestamp", endParam: "end_timestamp", defaultLookbackDays: 30 },
    contextFields: {},
    tolerate: [403],
    selectedByDefault: true,
    description: "time-window",
  },
];

/** An open schema: the key and context fields typed, whatever else Mode sends kept as it comes. */
function schemaOf(definition: StreamDefinition): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const key of [...definition.keyProperties, ...Object.keys(definition.contextFields)])
    properties[key] = { type: key === "row_number" ? ["integer"] : ["string", "null"] };
  return { type: "object", properties, additionalProperties: true };
}

function registry(definitions: readonly StreamDefinition[], strategies = strategyOf): StreamRegistry {
  return {
    definitions,
    schemas: schemaRegistryOf(new Map(definitions.map((d) => [d.name, schemaOf(d)] as const))),
    strategies,
  };
}

function keys(run: WalkRun, stream: string, key = "token"): string[] {
  return (run.records.get(stream) ?? []).map((r) => String(r[key])).sort();
}

describe("a throwaway stream of every walk kind, registered with its schema only", () => {
  let sim: RunningSimulator;
  let full: WalkRun;
  let reportWithResults: string;

  beforeAll(async () => {
    sim = await startSimulator({
      rateLimit: false,
      seed: 13,
      size: { spaces: 2, personalSpaces: 1, emptySpaces: 0, reportsPerSpace: 3, runsPerReport: 2, auditLogs: 5 },
    });
    const report = sim.model.world.state.spaces
      .flatMap((s) => s.reports)
      .find((r) => !r.deleted && r.trait === "normal" && !r.failing && r.latestSuccess !== null);
    if (report === undefined) throw new Error("the simulated workspace has no report with a successful run");
    reportWithResults = report.token;
    full = await syncInProcess(sim, {
      registry: registry(THROWAWAY),
      config: { report_results: { reports: [reportWithResults] } },
    });
  });
  afterAll(() => sim.stop());

  it("covers every walk kind", () => {
    const kinds: WalkKind[] = [
      "workspace-list",
      "partition-list",
      "versioned-parent",
      "with-parent",
      "run-partitioned",
      "time-window",
      "results",
      "derived",
    ];
    expect(new Set(THROWAWAY.map((d) => d.walk))).toEqual(new Set(kinds));
  });

  it("syncs each one, record for record what the simulator holds", () => {
    const truth = sim.model.truth();
    const pairs: Array<[string, string, string?]> = [
      ["tw_data_sources", "data_sources"],
      ["tw_spaces", "spaces"],
      ["tw_space_members", "space_memberships"],
      ["tw_reports", "reports"],
      ["tw_queries", "queries"],
      ["tw_runs", "runs"],
      ["tw_query_runs", "query_runs"],
      ["tw_audit", "audit_logs", "id"],
    ];
    for (const [stream, real, key] of pairs)
      expect({ stream, keys: keys(full, stream, key) }).toEqual({ stream, keys: [...(truth[real] ?? [])].sort() });
  });

  it("derives one record per source record in the same sync, with the lookups read before the walk", () => {
    const derived = full.records.get("tw_query_sources") ?? [];
    expect(derived.map((r) => String(r.token)).sort()).toEqual(keys(full, "tw_queries"));
    expect(derived.every((r) => typeof r.data_source_name === "string" && typeof r.report_token === "string")).toBe(
      true,
    );
  });

  it("extracts the result rows of the report the config names", () => {
    const rows = full.records.get("tw_results") ?? [];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => typeof r.query_run_token === "string" && typeof r.row_number === "number")).toBe(true);
  });

  it(
    "a second sync from the final STATE re-reads no " + "unchanged report's children, derived records included",
    async () => {
      const again = await syncInProcess(sim, {
        registry: registry(THROWAWAY),
        state: full.lastState,
        config: { report_results: { reports: [reportWithResults] } },
      });
      expect(keys(again, "tw_reports")).toEqual([]);
      expect(keys(again, "tw_queries")).toEqual([]);
      expect(keys(again, "tw_query_sources")).toEqual([]);
      expect(keys(again, "tw_spaces").length).toBeGreaterThan(0);
    },
  );

  it("a strategy of a new kind opens a run-scoped resource lazily and the engine closes it at the end", async () => {
    const events: string[] = [];
    const listing: Strategy = {
      kind: "discovery-list" as WalkKind,
      placement: { at: "root", phase: () => "workspace", order: 1 },
      followsParentVersion: false,
      parseBookmark: (raw) => raw,
      open: (ctx, definition) =>
        Promise.resolve({
          definition,
          async visit(node) {
            const session = await ctx.resources.get<RunResource & { id: string }>("session", () => {
              events.push("open");
              return Promise.resolve({ id: "s1", close: () => Promise.resolve(void events.push("close")) });
            });
            const unit = ctx.output.unit();
            unit.add(definition.name, { token: session.id }, node.context);
            await ctx.output.commit(unit);
          },
          finish: () => Promise.resolve(),
        }),
    };
    const definitions: StreamDefinition[] = [
      { ...THROWAWAY[0]!, name: "tw_discovered", walk: "discovery-list" as WalkKind, description: "custom" },
    ];
    const run = await syncInProcess(sim, {
      registry: registry(definitions, (kind) => (kind === ("discovery-list" as WalkKind) ? listing : strategyOf(kind))),
    });
    expect(keys(run, "tw_discovered")).toEqual(["s1"]);
    expect(events).toEqual(["open", "close"]);
  });
});
