import { describe, expect, it } from "vitest";
import { findStream, streamDefinitions } from "../../src/streams/registry.js";
import { lastPathSegment, tokenOf } from "../../src/streams/tokens.js";
import type { StreamDefinition } from "../../src/streams/types.js";

function stream(name: string): StreamDefinition {
  const definition = findStream(name);
  if (definition === undefined) throw new Error(`no stream ${name}`);
  return definition;
}

describe("stream definitions", () => {
  it(
    "list the 29 streams (the first issue's 21, dataset_queries, " +
      "query_tables and the six Discovery streams last), parents first",
    () => {
      expect(streamDefinitions().map((d) => d.name)).toEqual([
        "workspaces",
        "spaces",
        "space_memberships",
        "reports",
        "queries",
        "charts",
        "report_filters",
        "report_schedules",
        "report_subscriptions",
        "runs",
        "query_runs",
        "query_results",
        "datasets",
        "dataset_queries",
        "dataset_runs",
        "dataset_schedules",
        "data_sources",
        "definitions",
        "memberships",
        "groups",
        "group_memberships",
        "audit_logs",
        "query_tables",
        "discovery_spaces",
        "discovery_reports",
        "discovery_queries",
        "discovery_charts",
        "discovery_members",
        "discovery_report_stats",
      ]);
      expect(findStream("dashboards")).toBeUndefined();
    },
  );

  it("ask for personal spaces with filter=all unless include_personal_spaces is false", () => {
    expect(stream("spaces").query?.({ includePersonalSpaces: true })).toEqual({ filter: "all" });
    expect(stream("spaces").query?.({ includePersonalSpaces: false })).toEqual({});
  });

  it(
    "route the Discovery streams by declaration: api, walk, " +
      "opt-in, full table, include_spaces where Mode takes it",
    () => {
      const discovery = streamDefinitions().filter((d) => d.api === "discovery");
      expect(discovery.map((d) => d.name)).toEqual(
        streamDefinitions()
          .filter((d) => d.name.startsWith("discovery_"))
          .map((d) => d.name),
      );
      for (const d of discovery) {
        expect(d, d.name).toMatchObject({
          walk: "discovery-list",
          selectedByDefault: false,
          replicationMethods: ["FULL_TABLE"],
        });
        expect(d.parent, d.name).toBeUndefined();
      }
      for (const name of ["discovery_reports", "discovery_queries", "discovery_charts", "discovery_report_stats"]) {
        expect(stream(name).query?.({ includePersonalSpaces: true }), name).toEqual({ include_spaces: "all" });
        expect(stream(name).query?.({ includePersonalSpaces: false }), name).toEqual({});
      }
      for (const name of ["discovery_spaces", "discovery_members"]) expect(stream(name).query, name).toBeUndefined();
      expect(stream("discovery_members")).toMatchObject({ embeddedKey: "memberships", alternateKeys: ["members"] });
      expect(stream("discovery_report_stats").keyProperties).toEqual(["report_token"]);
      expect(
        streamDefinitions()
          .filter((d) => d.api === undefined || d.api === "rest")
          .every((d) => d.walk !== "discovery-list"),
      ).toBe(true);
    },
  );

  it("read the embedded keys that differ from the path (datasets are reports, dataset runs are report runs)", () => {
    expect(stream("datasets").embeddedKey).toBe("reports");
    expect(stream("dataset_runs").embeddedKey).toBe("report_runs");
    expect(stream("dataset_schedules").embeddedKey).toBe("report_schedules");
    expect(stream("runs").embeddedKey).toBe("report_runs");
    expect(stream("report_filters").embeddedKey).toBe("report_filters");
    expect(stream("group_memberships").embeddedKey).toBe("group_memberships");
    expect(stream("workspaces")).toMatchObject({ kind: "object", path: "/{workspace}", paged: false });
  });

  it("skip admin-only streams on 403 instead of failing", () => {
    for (const name of ["groups", "group_memberships", "audit_logs"])
      expect(stream(name).tolerate, name).toContain(403);
    expect(stream("audit_logs")).toMatchObject({
      cursor: "next_token",
      selectedByDefault: false,
      keyProperties: ["id"],
      defaultReplicationKey: "timestamp",
    });
  });

  it("mark query_results as the special results stream", () => {
    expect(stream("query_results")).toMatchObject({
      path: null,
      kind: "results",
      parent: "query_runs",
      selectedByDefault: false,
      keyProperties: ["query_run_token", "row_number"],
    });
  });

  it("give runs two replication keys and default to updated_at", () => {
    expect(stream("runs")).toMatchObject({
      validReplicationKeys: ["created_at", "updated_at"],
      defaultReplicationKey: "updated_at",
      replicationMethods: ["INCREMENTAL", "FULL_TABLE"],
      perPage: 100,
    });
  });

  it("pass tokens down to children", () => {
    expect(stream("spaces").childContext?.({ token: "s1", id: 5 })).toEqual({ space: "s1" });
    expect(stream("reports").childContext?.({ token: "r1" })).toEqual({ report: "r1" });
    expect(stream("queries").childContext?.({ token: "q1" })).toEqual({ query: "q1" });
    expect(stream("runs").childContext?.({ token: "u1" })).toEqual({ run: "u1" });
    expect(stream("query_runs").childContext?.({ token: "qr1", query_token: "q1" })).toEqual({
      query_run: "qr1",
      query: "q1",
    });
    expect(stream("query_runs").childContext?.({ token: "qr1" })).toEqual({ query_run: "qr1" });
    expect(stream("datasets").childContext?.({ token: "d1" })).toEqual({ dataset: "d1" });
    expect(stream("groups").childContext?.({ token: "g1" })).toEqual({ group: "g1" });
    expect(() => stream("reports").childContext?.({ id: 3 })).toThrow('record has no "token" to address its children');
  });
});

describe("token helpers", () => {
  it("read tokens as strings and link tokens from hrefs", () => {
    expect(tokenOf({ token: 12 })).toBe("12");
    expect(lastPathSegment("/api/mode/reports/r1/subscriptions/6c7bcebabdce")).toBe("6c7bcebabdce");
    expect(lastPathSegment("https://app.mode.com/api/mode/reports/r1/?embed[x]=1")).toBe("r1");
    expect(lastPathSegment("/api/acryl/reports/r1/runs/{id}")).toBeUndefined();
    expect(lastPathSegment("")).toBeUndefined();
  });
});
