import { afterEach, describe, expect, it } from "vitest";
import type { FaultOptions, RunningSimulator } from "../../src/simulator/index.js";
import { queryRunsOf, runsOf } from "../../src/simulator/runs.js";
import { client, httpRequest, start, type Json } from "./helpers.js";

let sim: RunningSimulator | undefined;

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function withFaults(faults: FaultOptions): Promise<RunningSimulator> {
  sim = await start({ faults });
  return sim;
}

async function statuses(s: RunningSimulator, n: number): Promise<number[]> {
  const api = client(s);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await api.get(`/${s.workspace}/data_sources`)).status);
  return out;
}

describe("fault injection", () => {
  it("answers 500 and 503 with Mode's error bodies and 502 as the gateway's HTML page", async () => {
    const s = await withFaults({ rate: 1, kinds: { "500": 1 } });
    const api = client(s);
    const e500 = await api.get(`/${s.workspace}`);
    expect(e500.status).toBe(500);
    expect(e500.json<Json>()).toEqual({ id: "internal_server_error", message: "Internal Server Error" });
    s.model.setFaults({ rate: 1, kinds: { "503": 1 } });
    const e503 = await api.get(`/${s.workspace}`);
    expect(e503.status).toBe(503);
    expect(e503.json<Json>().id).toBe("service_unavailable");
    s.model.setFaults({ rate: 1, kinds: { "502": 1 } });
    const e502 = await api.get(`/${s.workspace}`);
    expect(e502.status).toBe(502);
    expect(e502.headers["content-type"]).toBe("text/html");
    expect(e502.text).toContain("<h1>502 Bad Gateway</h1>");
    expect(s.model.stats().faults).toEqual({ "500": 1, "503": 1, "502": 1 });
  });

  it("resets the connection in the middle of a body", async () => {
    const s = await withFaults({ rate: 1, kinds: { reset: 1 } });
    await expect(client(s).get(`/${s.workspace}/spaces?filter=all`)).rejects.toThrow();
    // Streamed results too.
    const w = s.model.world;
    const runs = [...w.state.reportsByToken.values()].flatMap((r) => runsOf(w, r));
    const run = runs.find((x) => x.state === "succeeded" && x.purgeStartedAt === null && x.queries.length > 0);
    if (run === undefined) throw new Error("no downloadable run");
    const qr = queryRunsOf(w, run)[0];
    await expect(
      client(s).get(
        `/${s.workspace}/reports/${run.report.token}/runs/${run.token}/query_runs/${qr?.token ?? ""}` +
          `/results/content.csv`,
      ),
    ).rejects.toThrow();
    expect(s.model.stats().faults).toEqual({ reset: 2 });
  });

  it("cuts a 200 body short with valid HTTP framing", async () => {
    const s = await withFaults({ rate: 1, kinds: { truncate: 1 } });
    const answer = await client(s).get(`/${s.workspace}/data_sources`);
    expect(answer.status).toBe(200);
    expect(Number(answer.headers["content-length"])).toBe(answer.raw.length);
    expect(() => JSON.parse(answer.text)).toThrow(SyntaxError);
  });

  it("delays slow responses by slowMs", async () => {
    const s = await withFaults({ rate: 1, kinds: { slow: 1 }, slowMs: 150 });
    const started = Date.now();
    const answer = await client(s).get(`/${s.workspace}`);
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("answers 429 in bursts: the next burst-1 requests of the token are refused too", async () => {
    const s = await withFaults({ rate: 0.15, kinds: { "429": 1 }, burst: 3, seed: 9 });
    const seen = await statuses(s, 80);
    const runs: number[] = [];
    let current = 0;
    for (const status of [...seen, 200]) {
      if (status === 429) current++;
      else if (current > 0) {
        runs.push(current);
        current = 0;
      }
    }
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((n) => n >= 3)).toBe(true);
    expect(s.model.stats().rateLimited).toBe(seen.filter((x) => x === 429).length);
  });

  it("draws the same faults for the same seed", async () => {
    const settings: FaultOptions = { rate: 0.3, kinds: { "500": 1, "503": 2 }, seed: 42 };
    const first = await statuses(await withFaults(settings), 40);
    await sim?.stop();
    const second = await statuses(await withFaults(settings), 40);
    expect(second).toEqual(first);
    expect(first.filter((x) => x !== 200).length).toBeGreaterThan(3);
  });

  it("is set at run time through the control API and never touches the control API itself", async () => {
    const s = await withFaults({ rate: 0 });
    const set = await httpRequest(
      `${s.controlUrl}/faults`,
      "PUT",
      {},
      JSON.stringify({ rate: 1, kinds: { "503": 1 } }),
    );
    expect(set.json<Json>()).toEqual({ rate: 1, kinds: { "503": 1 } });
    expect((await client(s).get(`/${s.workspace}`)).status).toBe(503);
    expect((await httpRequest(`${s.controlUrl}/stats`, "GET", {})).status).toBe(200);
    const bad = await httpRequest(`${s.controlUrl}/faults`, "POST", {}, JSON.stringify({ rate: 3 }));
    expect(bad.status).toBe(400);
    await httpRequest(`${s.controlUrl}/faults`, "POST", {}, "null");
    expect((await client(s).get(`/${s.workspace}`)).status).toBe(200);
  });
});
