import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/index.js";
import { resultColumns, resultRow } from "../../src/simulator/results.js";
import { queryRunsOf, runsOf, type QueryRunView, type RunView } from "../../src/simulator/runs.js";
import { client, start, type Client, type Json } from "./helpers.js";

let sim: RunningSimulator;
let api: Client;

beforeAll(async () => {
  sim = await start({ seed: 21, size: { resultRows: 300, runsPerReport: 30, reportsPerSpace: 12 } });
  api = client(sim);
});

afterAll(async () => {
  await sim.stop();
});

function allRuns(): RunView[] {
  const w = sim.model.world;
  return [...w.state.reportsByToken.values()].filter((r) => !r.dataset).flatMap((r) => runsOf(w, r));
}

function downloadable(variant?: string): QueryRunView {
  const w = sim.model.world;
  for (const run of allRuns()) {
    if (run.state !== "succeeded" || run.purgeStartedAt !== null) continue;
    const qr = queryRunsOf(w, run).find((q) => variant === undefined || q.query.sql === variant);
    if (qr !== undefined) return qr;
  }
  throw new Error("no downloadable query run");
}

const pathOf = (qr: QueryRunView, rest: string): string =>
  `/${sim.workspace}/reports/${qr.run.report.token}/runs/${qr.run.token}/query_runs/${qr.token}/results${rest}`;

/** RFC 4180 parsing, enough for the simulator's quoting. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  return rows;
}

describe("query-run results", () => {
  it("serves content.json as an array of row objects keyed by column name", async () => {
    const qr = downloadable("liquid");
    const answer = await api.get(pathOf(qr, "/content.json"));
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    const rows = answer.json<Json[]>();
    expect(rows).toHaveLength(300);
    expect(Object.keys(rows[0] as Json)).toEqual(resultColumns(qr).map((c) => c.name));
    expect(rows[0]).toEqual(resultRow(sim.model.world, qr, 0));
    expect(rows[299]).toEqual(resultRow(sim.model.world, qr, 299));
    expect(rows.some((r) => r.note === null)).toBe(true);
  });

  it("serves content.csv as a header line plus one line per row, quoting commas, quotes and newlines", async () => {
    const qr = downloadable("plain");
    const answer = await api.get(pathOf(qr, "/content.csv"), { "accept-encoding": "identity" });
    expect(answer.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(answer.headers["content-encoding"]).toBeUndefined();
    const table = parseCsv(answer.text);
    expect(table[0]).toEqual(["id", "customer_name", "amount", "created_at", "is_active"]);
    expect(table).toHaveLength(301);
    const objects = table.slice(1).map((cells) => Object.fromEntries(cells.map((v, i) => [table[0]?.[i] ?? "", v])));
    for (const [i, object] of objects.entries()) {
      const row = resultRow(sim.model.world, qr, i);
      expect(object).toEqual(
        Object.fromEntries(
          Object.entries(row).map(([k, v]) => [
            k,
            v === null ? "" : String(k === "amount" ? (v as number).toFixed(2) : v),
          ]),
        ),
      );
    }
    expect(objects.map((o) => o.customer_name)).toContain('The "Quoted" Co');
    expect(objects.map((o) => o.customer_name)).toContain("multi\nline");
  });

  it("gzips results when the client accepts gzip (docs/mode-api.md §1.3)", async () => {
    const qr = downloadable();
    const gz = await api.get(pathOf(qr, "/content.csv"), { "accept-encoding": "gzip, deflate" });
    const plain = await api.get(pathOf(qr, "/content.csv"), { "accept-encoding": "identity" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gz.raw.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(gz.text).toBe(plain.text);
    expect(
      (await api.get(pathOf(qr, "/content.csv"), { "accept-encoding": "gzip;q=0" })).headers["content-encoding"],
    ).toBeUndefined();
  });

  it("links a query run's results to its json and csv content", async () => {
    const qr = downloadable();
    const body = (await api.get(pathOf(qr, ""))).json<Json>();
    expect(body._links).toEqual({
      self: { href: `/api${pathOf(qr, "")}` },
      json: { href: `/api${pathOf(qr, "/content.json")}` },
      csv: { href: `/api${pathOf(qr, "/content.csv")}` },
    });
  });

  it("answers 404 run results not found for purged runs and for failed query runs", async () => {
    const w = sim.model.world;
    const purged = allRuns().find((r) => r.purgeStartedAt !== null && r.queries.length > 0);
    const failed = allRuns().find((r) => r.state === "failed" && r.queries.length > 0);
    if (purged === undefined || failed === undefined) throw new Error("the workspace lacks a purged or failed run");
    for (const run of [purged, failed]) {
      const qr = queryRunsOf(w, run).find((q) => q.state !== "succeeded" || run.purgeStartedAt !== null);
      if (qr === undefined) throw new Error("no query run");
      const answer = await api.get(pathOf(qr, "/content.json"));
      expect(answer.status).toBe(404);
      expect(answer.json<Json>()).toEqual({ id: "not_found", message: "run results not found" });
    }
  });

  it("streams a large result row by row and counts the rows in the statistics", async () => {
    const big = await start({
      seed: 22,
      size: { resultRows: 60_000, reportsPerSpace: 3, spaces: 1, personalSpaces: 0 },
    });
    try {
      const w = big.model.world;
      const run = [...w.state.reportsByToken.values()]
        .flatMap((r) => runsOf(w, r))
        .find((r) => r.state === "succeeded" && r.purgeStartedAt === null && r.queries.length > 0);
      const qr = run === undefined ? undefined : queryRunsOf(w, run)[0];
      if (qr === undefined) throw new Error("no query run");
      const answer = await client(big).get(
        `/${big.workspace}/reports/${qr.run.report.token}/runs/${qr.run.token}/query_runs/${qr.token}` +
          `/results/content.csv`,
        { "accept-encoding": "gzip" },
      );
      expect(answer.headers["transfer-encoding"]).toBe("chunked");
      expect(answer.text.split("\n")).toHaveLength(60_002);
      expect(big.model.stats().resultRows).toBe(60_000);
    } finally {
      await big.stop();
    }
  });
});
