import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimHarness, catalogSelecting, keysOf } from "../support/sim-harness.js";

interface Entry {
  tap_stream_id: string;
  metadata: Array<{ breadcrumb: string[]; metadata: Record<string, unknown> }>;
}

describe("stream and field selection in a sync", () => {
  let h: SimHarness;
  let truth: Record<string, string[]>;
  beforeAll(async () => {
    h = await SimHarness.start({
      seed: 4,
      size: { spaces: 2, reportsPerSpace: 4, queriesPerReport: 2, chartsPerQuery: 1, runsPerReport: 2 },
    });
    truth = h.sim.model.truth();
  });
  afterAll(() => h.stop());

  it("walks an unselected parent to reach a selected child, emitting only the child", async () => {
    const run = await h.tap({ catalog: catalogSelecting((s) => s === "charts") });
    expect(run.code).toBe(0);
    expect([...run.output.schemas.keys()]).toEqual(["charts"]);
    expect(keysOf(run.output, "charts")).toEqual([...(truth.charts ?? [])].sort());
    expect(run.output.records.has("reports")).toBe(false);
    expect(run.stderr).toMatch(/skipped: .*reports \(not selected\)/);
  });

  it("emits only the selected fields, plus the automatic key and replication key", async () => {
    const catalog = catalogSelecting(
      (s) => s === "reports",
      () => undefined,
    ) as unknown as { streams: Entry[] };
    const reports = catalog.streams.find((s) => s.tap_stream_id === "reports");
    for (const entry of reports?.metadata ?? []) {
      if (entry.breadcrumb.length === 2) entry.metadata.selected = entry.breadcrumb[1] === "name";
    }
    const run = await h.tap({ catalog });
    expect(run.code).toBe(0);
    const records = run.output.records.get("reports") ?? [];
    expect(records.length).toBe(truth.reports?.length);
    for (const record of records) expect(Object.keys(record).sort()).toEqual(["name", "token", "updated_at"]);
    const schema = run.output.schemas.get("reports") as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties).sort()).toEqual(["name", "token", "updated_at"]);
  });

  it("honours replication-method FULL_TABLE on a child stream: every report's queries are read again", async () => {
    const incremental = catalogSelecting((s) => s === "reports" || s === "queries");
    const first = await h.tap({ catalog: incremental });
    const fullTable = catalogSelecting(
      (s) => s === "reports" || s === "queries",
      (stream, root) => {
        if (stream === "queries") root["replication-method"] = "FULL_TABLE";
      },
    );
    h.sim.model.resetStats();
    const second = await h.tap({ catalog: fullTable, state: first.output.lastState });
    expect(second.code).toBe(0);
    expect(keysOf(second.output, "queries")).toEqual([...(truth.queries ?? [])].sort());
    expect(keysOf(second.output, "reports")).toEqual([]);
    expect(h.sim.model.stats().byRoute["GET /{ws}/reports/{report}/queries"]).toBe(truth.reports?.length);
  });
});
