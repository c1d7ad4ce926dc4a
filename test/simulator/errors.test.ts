import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/index.js";
import { basic, client, embedded, httpRequest, start, type Client, type Json } from "./helpers.js";

let sim: RunningSimulator;
let api: Client;
let ws: string;

beforeAll(async () => {
  sim = await start({ seed: 4, size: { auditLogs: 250 } });
  api = client(sim);
  ws = sim.workspace;
});

afterAll(async () => {
  await sim.stop();
});

describe("authentication and errors", () => {
  it("answers 401 with Mode's body without valid Basic auth", async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: basic(sim.token, "wrong") },
      { authorization: basic("other", sim.secret) },
      { authorization: "Bearer x" },
    ]) {
      const answer = await httpRequest(`${sim.baseUrl}/${ws}/spaces`, "GET", headers);
      expect(answer.status).toBe(401);
      expect(answer.json<Json>().id).toBe("unauthorized");
      expect(answer.headers["www-authenticate"]).toBe('Basic realm="Mode"');
    }
  });

  it("answers GET /api/account with 400 as for API keys, or the user with legacyAccountEndpoint", async () => {
    const answer = await api.get("/account");
    expect(answer.status).toBe(400);
    expect(answer.json<Json>()).toEqual({
      id: "bad_request",
      message: "This endpoint is unsupported for use with Api Keys",
    });
    const legacy = await start({ seed: 4, legacyAccountEndpoint: true });
    try {
      const user = (await client(legacy).get("/account")).json<Json>();
      expect(user).toMatchObject({ user: true, username: legacy.model.world.state.members[0]?.username });
    } finally {
      await legacy.stop();
    }
  });

  it("serves user accounts at /api/{username} as creator links point there", async () => {
    const report =
      embedded(
        (await api.get(`/${ws}/spaces/${sim.model.truth().spaces?.[0] ?? ""}/reports`)).json<Json>(),
        "reports",
      )[0] ?? {};
    const creator = ((report._links as Json).creator as { href: string }).href;
    const user = await httpRequest(`${sim.baseUrl.replace(/\/api$/, "")}${creator}`, "GET", {
      authorization: basic(sim.token, sim.secret),
    });
    expect(user.status).toBe(200);
    expect(user.json<Json>()).toMatchObject({ user: true, username: creator.slice("/api/".length) });
    expect((await api.get("/nobody_here")).json<Json>()).toEqual({ id: "not_found", message: "Account not found" });
  });

  it("answers 404 with Mode's wording for unknown tokens and paths", async () => {
    const cases: Array<[string, string]> = [
      [`/${ws}/reports/abcdefabcdef`, "Report not found"],
      [`/${ws}/spaces/abcdefabcdef/reports`, "Space not found"],
      [`/${ws}/datasets/abcdefabcdef`, "Dataset not found"],
      [`/${ws}/data_sources/34000`, "Data source not found"],
      [`/${ws}/no_such_thing`, "Not found"],
      ["/otherworkspace/spaces", "Not found"],
    ];
    for (const [path, message] of cases) {
      const answer = await api.get(path);
      expect(answer.status, path).toBe(404);
      expect(answer.json<Json>(), path).toEqual({ id: "not_found", message });
    }
    const report = [...sim.model.world.state.reportsByToken.values()].find((r) => !r.dataset);
    expect((await api.get(`/${ws}/datasets/${report?.token ?? ""}`)).status).toBe(404);
    expect((await api.get(`/${ws}/reports/${report?.token ?? ""}/runs/abcdefabcdef`)).json<Json>().message).toBe(
      "Report run not found",
    );
  });

  it("answers 403 forbidden on groups and audit logs when the token is not an admin", async () => {
    const plain = await start({ seed: 4, admin: false });
    try {
      const c = client(plain);
      for (const path of [
        `/${plain.workspace}/groups`,
        `/${plain.workspace}/groups/${plain.model.truth().groups?.[0] ?? ""}/memberships`,
        `/${plain.workspace}/audit_logs?start_timestamp=2025-01-01T00:00:00Z&end_timestamp=2026-01-01T00:00:00Z`,
      ]) {
        const answer = await c.get(path);
        expect(answer.status, path).toBe(403);
        expect(answer.json<Json>().id).toBe("forbidden");
      }
      expect((await c.get(`/${plain.workspace}/memberships`)).status).toBe(200);
    } finally {
      await plain.stop();
    }
  });
});

describe("audit logs", () => {
  const window = "start_timestamp=2025-06-01T00:00:00Z&end_timestamp=2026-03-01T00:00:00.000Z";

  it("requires start_timestamp and end_timestamp", async () => {
    const answer = await api.get(`/${ws}/audit_logs?start_timestamp=2025-06-01T00:00:00Z`);
    expect(answer.status).toBe(400);
    expect(answer.json<Json>()).toEqual({
      id: "param_missing",
      message: "param is missing or the value is empty: end_timestamp",
    });
    expect((await api.get(`/${ws}/audit_logs?start_timestamp=yesterday&end_timestamp=today`)).status).toBe(400);
  });

  it(
    "pages a time window with a top-level next_token cursor, " + "items under _embedded.audit_logs in time order",
    async () => {
      const ids: string[] = [];
      const times: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const body: Json = (
          await api.get(`/${ws}/audit_logs?${window}${cursor === null ? "" : `&next_token=${cursor}`}`)
        ).json<Json>();
        const items = embedded(body, "audit_logs");
        ids.push(...items.map((i) => i.id as string));
        times.push(...items.map((i) => i.timestamp as string));
        cursor = body.next_token as string | null;
        pages++;
      } while (cursor !== null);
      expect(pages).toBeGreaterThan(1);
      expect(new Set(ids).size).toBe(ids.length);
      expect(times).toEqual([...times].sort());
      expect(times.every((t) => t >= "2025-06-01" && t < "2026-03-01")).toBe(true);
      expect(pages).toBe(Math.ceil(ids.length / 100));
      expect(
        sim.model.minimalRequests({
          auditLogs: { start: "2025-06-01T00:00:00Z", end: "2026-03-01T00:00:00Z" },
          streams: ["audit_logs"],
        }).total,
      ).toBe(pages);
      expect((await api.get(`/${ws}/audit_logs?${window}&next_token=bm9wZQ`)).status).toBe(400);
    },
  );
});
