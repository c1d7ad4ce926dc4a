import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/index.js";
import { client, embedded, start, type Client, type Json } from "./helpers.js";

let a: RunningSimulator;
let b: RunningSimulator;
let other: RunningSimulator;

beforeAll(async () => {
  [a, b, other] = await Promise.all([start({ seed: 17 }), start({ seed: 17 }), start({ seed: 18 })]);
});

afterAll(async () => {
  await Promise.all([a.stop(), b.stop(), other.stop()]);
});

const VOLATILE = new Set(["web_preview_image", "flamingo_signature"]);

/** The body without the signed fields that change on every request (docs/mode-api.md §7.7). */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !VOLATILE.has(k))
        .map(([k, v]) => [k, stable(v)]),
    );
  return value;
}

/** Paths of one of everything the tap reads. */
async function samplePaths(sim: RunningSimulator): Promise<string[]> {
  const api = client(sim);
  const ws = sim.workspace;
  const truth = sim.model.truth();
  const report = [...sim.model.world.state.reportsByToken.values()].find((r) => !r.dataset && r.latestSuccess !== null);
  const dataset = [...sim.model.world.state.reportsByToken.values()].find((r) => r.dataset);
  if (report === undefined || dataset === undefined) throw new Error("workspace too small");
  const runs = embedded((await api.get(`/${ws}/reports/${report.token}/runs`)).json<Json>(), "report_runs");
  const run = runs[0]?.token as string;
  const query = report.queries[0]?.token ?? "";
  const space = report.space.token;
  return [
    "/verify",
    `/${ws}`,
    `/${ws}/spaces?filter=all`,
    `/${ws}/spaces/${space}`,
    `/${ws}/spaces/${space}/reports`,
    `/${ws}/spaces/${space}/datasets`,
    `/${ws}/spaces/${space}/memberships`,
    `/${ws}/reports/${report.token}`,
    `/${ws}/reports/${report.token}/queries`,
    `/${ws}/reports/${report.token}/queries/${query}/charts`,
    `/${ws}/reports/${report.token}/runs`,
    `/${ws}/reports/${report.token}/runs/${run}/query_runs`,
    `/${ws}/reports/${report.token}/filters`,
    `/${ws}/reports/${report.token}/schedules`,
    `/${ws}/reports/${report.token}/subscriptions`,
    `/${ws}/datasets/${dataset.token}`,
    `/${ws}/datasets/${dataset.token}/runs`,
    `/${ws}/datasets/${dataset.token}/schedules`,
    `/${ws}/data_sources`,
    `/${ws}/definitions`,
    `/${ws}/memberships`,
    `/${ws}/groups`,
    `/${ws}/groups/${truth.groups?.[0] ?? ""}/memberships`,
    `/${ws}/audit_logs?start_timestamp=2025-01-01T00:00:00Z&end_timestamp=2026-06-01T00:00:00Z`,
  ];
}

function timestamps(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(value)) out.push(value);
  else if (Array.isArray(value)) for (const v of value) timestamps(v, out);
  else if (value !== null && typeof value === "object") for (const v of Object.values(value)) timestamps(v, out);
  return out;
}

describe("determinism", () => {
  it("serves identical bodies from two simulators with one seed, apart from the volatile signed fields", async () => {
    const paths = await samplePaths(a);
    expect(await samplePaths(b)).toEqual(paths);
    const [ca, cb] = [client(a), client(b)];
    for (const path of paths) {
      const [x, y] = await Promise.all([ca.get(path), cb.get(path)]);
      expect(x.status, path).toBe(200);
      expect(stable(y.json()), path).toEqual(stable(x.json()));
    }
  });

  it("derives a different workspace from another seed", () => {
    const mine = a.model.truth();
    const theirs = other.model.truth();
    expect(theirs.reports?.length).toBe(mine.reports?.length);
    expect(theirs.reports?.filter((t) => mine.reports?.includes(t))).toEqual([]);
  });

  it("changes web_preview_image and flamingo_signature on every request", async () => {
    const report = [...a.model.world.state.reportsByToken.values()].find((r) => !r.dataset && r.latestSuccess !== null);
    const api = client(a);
    const first = (await api.get(`/${a.workspace}/reports/${report?.token ?? ""}`)).json<Json>();
    const second = (await api.get(`/${a.workspace}/reports/${report?.token ?? ""}`)).json<Json>();
    expect(first.web_preview_image).toMatch(
      /^https:\/\/s3\.us-west-2\.amazonaws\.com\/mode\.production\/report-run-previews\/.*X-Amz-Expires=119/,
    );
    expect(second.web_preview_image).not.toBe(first.web_preview_image);
    expect(second.flamingo_signature).not.toBe(first.flamingo_signature);
    expect(Buffer.from(first.flamingo_signature as string, "base64").toString("utf8")).toMatch(
      /^signature=[0-9a-f]{64}&organization_token=.*&timestamp=\d+&user_token=[0-9a-f]{12}$/,
    );
  });

  it("dates everything it generates before 2026-06-01 in Mode's formats", async () => {
    const api = client(a);
    for (const path of await samplePaths(a)) {
      for (const t of timestamps((await api.get(path)).json())) {
        expect(Date.parse(t), `${path}: ${t}`).toBeLessThan(Date.UTC(2026, 5, 1));
        const offset = /\.\d{3}\+00:00$/.test(t);
        const micros = /\.\d{6}Z$/.test(t);
        const millis = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(t);
        expect(
          millis || (offset && path.includes("schedules")) || (micros && path.includes("audit_logs")),
          `${path}: ${t}`,
        ).toBe(true);
      }
    }
  });

  it("sends ids as decimal strings by default and as integers with integerIds", async () => {
    const report = [...a.model.world.state.reportsByToken.values()].find((r) => !r.dataset);
    const body = (await client(a).get(`/${a.workspace}/reports/${report?.token ?? ""}`)).json<Json>();
    expect(body.id).toMatch(/^\d+$/);
    expect(body.account_id).toMatch(/^\d+$/);
    const numeric = await start({ seed: 17, integerIds: true });
    try {
      const same = (await client(numeric).get(`/${numeric.workspace}/reports/${report?.token ?? ""}`)).json<Json>();
      expect(same.id).toBe(Number(body.id));
      expect(same.account_id).toBe(Number(body.account_id));
    } finally {
      await numeric.stop();
    }
  });
});

describe("awkward cases", () => {
  it(
    "plants personal and empty spaces, archived, never-run, query-less, failing, unicode and untitled " +
      "reports, long Liquid SQL and an unused data source",
    async () => {
      const sim = a;
      const api: Client = client(sim);
      const ws = sim.workspace;
      const spaces = embedded((await api.get(`/${ws}/spaces?filter=all`)).json<Json>(), "spaces");
      expect(spaces.some((s) => s.space_type === "private" && s.name === "Personal")).toBe(true);
      expect(spaces.some((s) => s.name === null)).toBe(true);
      const reports: Json[] = [];
      for (const s of spaces)
        reports.push(
          ...embedded((await api.get(`/${ws}/spaces/${s.token as string}/reports`)).json<Json>(), "reports"),
        );
      expect(reports.some((r) => r.archived === true)).toBe(true);
      expect(reports.some((r) => r.last_run_at === null && (r.query_count as number) > 0)).toBe(true);
      expect(reports.some((r) => r.query_count === 0)).toBe(true);
      expect(reports.some((r) => r.name === null && r.description === null)).toBe(true);
      expect(
        reports.some((r) => [...((r.name as string | null) ?? "")].some((ch) => (ch.codePointAt(0) ?? 0) > 127)),
      ).toBe(true);
      const queries: Json[] = [];
      for (const r of reports.filter((x) => (x.query_count as number) > 0))
        queries.push(
          ...embedded((await api.get(`/${ws}/reports/${r.token as string}/queries`)).json<Json>(), "queries"),
        );
      expect(
        queries.some((q) => (q.raw_query as string).length > 20_000 && (q.raw_query as string).includes("{{")),
      ).toBe(true);
      expect(queries.some((q) => (q.raw_query as string).includes("{% form %}"))).toBe(true);
      const used = new Set(queries.map((q) => q.data_source_id));
      const sources = embedded((await api.get(`/${ws}/data_sources`)).json<Json>(), "data_sources");
      expect(sources.filter((d) => !used.has(d.id))).toHaveLength(1);
      const failing = [...sim.model.world.state.reportsByToken.values()].find((r) => r.failing);
      const runs = embedded((await api.get(`/${ws}/reports/${failing?.token ?? ""}/runs`)).json<Json>(), "report_runs");
      expect(runs[0]?.state).toBe("failed");
    },
  );
});
