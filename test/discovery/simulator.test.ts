import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerValue } from "../../src/discovery/signature-token.js";
import { startSimulator, type RunningSimulator } from "../../src/simulator/index.js";
import { computeDiscoveryTruth } from "../../src/simulator/truth.js";

let sim: RunningSimulator;
let origin: string;
let basic: string;

beforeAll(async () => {
  sim = await startSimulator({ rateLimit: false, size: { spaces: 3, reportsPerSpace: 10 } });
  origin = new URL(sim.baseUrl).origin;
  basic = `Basic ${Buffer.from(`${sim.token}:${sim.secret}`).toString("base64")}`;
});
afterAll(() => sim.stop());

type Json = Record<string, unknown>;

async function call(
  method: string,
  path: string,
  authorization?: string,
  body?: unknown,
): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: {
      ...(authorization === undefined ? {} : { authorization }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

async function create(expiresAt = "2099-01-01T00:00:00Z"): Promise<{ token: string; bearer: string }> {
  const { status, json } = await call("POST", `/batch/${sim.workspace}/signature_tokens`, basic, {
    signature_token: {
      name: "test-token",
      expires_at: expiresAt,
      auth_scope: { authentication_for: "batch-api", authorization_type: "read-only" },
    },
  });
  expect(status).toBe(200);
  expect(json).toMatchObject({ name: "test-token", authentication_for: "batch-api", authorization_type: "read-only" });
  return {
    token: String(json.token),
    bearer: bearerValue(String(json.token), String(json.access_key), String(json.access_secret)),
  };
}

describe("the simulator's Discovery API", () => {
  it("creates tokens with the REST credential only, with a valid name and read-only scope", async () => {
    const body = {
      signature_token: {
        name: "abc",
        expires_at: "2099-01-01T00:00:00Z",
        auth_scope: { authentication_for: "batch-api", authorization_type: "read-only" },
      },
    };
    expect((await call("POST", `/batch/${sim.workspace}/signature_tokens`, basic, body)).status).toBe(400);
    const wrong = `Basic ${Buffer.from(`${sim.token}:nope`).toString("base64")}`;
    expect((await call("POST", `/batch/${sim.workspace}/signature_tokens`, wrong, body)).status).toBe(401);
    expect((await call("POST", `/batch/other/signature_tokens`, basic, body)).status).toBe(404);
  });

  it("answers lists to a live token only: 401 when missing, wrong, expired or deleted", async () => {
    const path = `/batch/${sim.workspace}/spaces`;
    expect((await call("GET", path)).status).toBe(401);
    expect((await call("GET", path, basic)).status).toBe(401);
    const { token, bearer } = await create();
    expect((await call("GET", path, bearer)).status).toBe(200);
    const tampered = `Bearer ${Buffer.from(`${token}:x:y`).toString("base64")}`;
    expect((await call("GET", path, tampered)).status).toBe(401);
    const expired = await create("2020-01-01T00:00:00Z");
    expect((await call("GET", path, expired.bearer)).status).toBe(401);
    expect((await call("DELETE", `/batch/${sim.workspace}/signature_tokens/${token}`, bearer)).json).toEqual({
      message: "Signature Token deleted",
    });
    expect((await call("GET", path, bearer)).status).toBe(401);
    expect((await call("DELETE", `/batch/${sim.workspace}/signature_tokens/${token}`, basic)).status).toBe(404);
  });

  it("pages with clamped links: page 1's prev_page is page 1, the last page's next_page is itself", async () => {
    const { bearer } = await create();
    const truth = computeDiscoveryTruth(sim.model.world).discovery_reports ?? [];
    const seen: string[] = [];
    for (let page = 1; page <= 4; page++) {
      const { status, json } = await call(
        "GET",
        `/batch/${sim.workspace}/reports?include_spaces=all&per_page=12&page=${page}`,
        bearer,
      );
      expect(status).toBe(200);
      const pagination = json.pagination as Json;
      expect(pagination).toMatchObject({
        page,
        per_page: 12,
        total_count: truth.length,
        total_pages: Math.ceil(truth.length / 12),
      });
      const links = json._links as Record<string, { href: string }>;
      const last = pagination.total_pages as number;
      expect(links.prev_page?.href).toBe(`/batch/${sim.workspace}/reports?page=${Math.max(1, page - 1)}&per_page=12`);
      expect(links.next_page?.href).toBe(
        `/batch/${sim.workspace}/reports?page=${Math.min(last, page + 1)}&per_page=12`,
      );
      seen.push(...(json.reports as Json[]).map((r) => String(r.token)));
    }
    expect(seen.sort()).toEqual(truth);
    expect((await call("GET", `/batch/${sim.workspace}/reports?per_page=1001`, bearer)).status).toBe(400);
    expect((await call("GET", `/batch/${sim.workspace}/reports?per_page=0`, bearer)).status).toBe(400);
  });

  it("counts Discovery requests in the REST token's rate-limit bucket: one budget per API token", async () => {
    const limited = await startSimulator({ rateLimit: { requests: 3, windowMs: 60_000 } });
    try {
      const o = new URL(limited.baseUrl).origin;
      const auth = `Basic ${Buffer.from(`${limited.token}:${limited.secret}`).toString("base64")}`;
      const created = await fetch(`${o}/batch/${limited.workspace}/signature_tokens`, {
        method: "POST",
        headers: { authorization: auth, "content-type": "application/json" },
        body: JSON.stringify({
          signature_token: {
            name: "budget",
            expires_at: "2099-01-01T00:00:00Z",
            auth_scope: { authentication_for: "batch-api", authorization_type: "read-only" },
          },
        }),
      });
      const token = (await created.json()) as Json;
      const bearer = bearerValue(String(token.token), String(token.access_key), String(token.access_secret));
      expect(
        (await fetch(`${limited.baseUrl}/${limited.workspace}`, { headers: { authorization: auth } })).status,
      ).toBe(200);
      expect(
        (await fetch(`${o}/batch/${limited.workspace}/spaces`, { headers: { authorization: bearer } })).status,
      ).toBe(200);
      const refused = await fetch(`${limited.baseUrl}/${limited.workspace}`, { headers: { authorization: auth } });
      expect(refused.status).toBe(429);
    } finally {
      await limited.stop();
    }
  });

  it("answers 403 when the workspace is not on Enterprise", async () => {
    const off = await startSimulator({ rateLimit: false, discovery: { enabled: false } });
    try {
      const auth = `Basic ${Buffer.from(`${off.token}:${off.secret}`).toString("base64")}`;
      const response = await fetch(`${new URL(off.baseUrl).origin}/batch/${off.workspace}/signature_tokens`, {
        method: "POST",
        headers: { authorization: auth, "content-type": "application/json" },
        body: "{}",
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ id: "forbidden" });
    } finally {
      await off.stop();
    }
  });
});
