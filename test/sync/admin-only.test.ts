import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimHarness, catalogSelecting, keysOf } from "../support/sim-harness.js";

describe("admin-only streams with a token that is not an admin", () => {
  let h: SimHarness;
  beforeAll(async () => {
    h = await SimHarness.start({ seed: 6, admin: false, size: { spaces: 2, reportsPerSpace: 2 } });
  });
  afterAll(() => h.stop());

  it("skips groups, group_memberships and audit_logs with one warning each and syncs the rest", async () => {
    const run = await h.tap({
      catalog: catalogSelecting((s) =>
        ["spaces", "groups", "group_memberships", "audit_logs", "data_sources"].includes(s),
      ),
    });
    expect(run.code).toBe(0);
    const warnings = run.stderr.split("\n").filter((l) => l.startsWith("WARNING ") && l.includes("answered 403"));
    expect(warnings).toHaveLength(2);
    expect(warnings.join("\n")).toMatch(/stream groups: Mode answered 403 .*needs rights \(admin\)/);
    expect(warnings.join("\n")).toMatch(/stream audit_logs: Mode answered 403/);
    expect(run.output.records.has("groups")).toBe(false);
    expect(run.output.records.has("audit_logs")).toBe(false);
    const truth = h.sim.model.truth();
    expect(keysOf(run.output, "spaces")).toEqual([...(truth.spaces ?? [])].sort());
    expect(keysOf(run.output, "data_sources")).toEqual([...(truth.data_sources ?? [])].sort());
  });
});
