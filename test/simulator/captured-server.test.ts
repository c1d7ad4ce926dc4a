import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capturedRoutes, startCapturedServer, type CapturedServer } from "../support/captured-server.js";
import { basic, embedded, httpRequest, type Json } from "./helpers.js";

let server: CapturedServer;
const auth = { authorization: basic("any-token", "any-secret") };
const get = (path: string, headers: Record<string, string> = auth) =>
  httpRequest(`${server.baseUrl.replace(/\/api$/, "")}${path}`, "GET", headers);
const fixture = (file: string): Json =>
  JSON.parse(readFileSync(new URL(`../fixtures/mode-captured/${file}`, import.meta.url), "utf8")) as Json;

beforeAll(async () => {
  server = await startCapturedServer();
});

afterAll(async () => {
  await server.stop();
});

describe("the captured-fixture server", () => {
  const { routes } = capturedRoutes();

  for (const [path, target] of routes) {
    it(`answers ${path} with ${typeof target === "string" ? target : JSON.stringify(target)}`, async () => {
      const answer = await get(path);
      expect(answer.status).toBe(200);
      expect(answer.headers["content-type"]).toBe("application/hal+json; charset=utf-8");
      const body = answer.json<Json>();
      if (typeof target === "string") expect(body).toEqual(fixture(target));
      else if ("empty" in target)
        expect(body).toEqual({ _links: { self: { href: path } }, _embedded: { [target.empty]: [] } });
      else expect(body).toEqual(fixture(target.synthetic));
    });
  }

  it("serves the recorded workspace name and the collections alias like the canonical path", async () => {
    const canonical = (await get("/api/acryl/spaces/75737b70402e/reports")).json<Json>();
    expect((await get("/api/acryltest/collections/75737b70402e/reports")).json<Json>()).toEqual(canonical);
    expect(embedded(canonical, "reports").map((r) => r.token)).toEqual(["9d2da37fa91e"]);
  });

  it("answers page 2 of a list with an empty list under the same key and ignores other query parameters", async () => {
    expect(embedded((await get("/api/acryl/spaces?page=2")).json<Json>(), "spaces")).toEqual([]);
    expect(embedded((await get("/api/acryl/spaces?filter=all&page=1")).json<Json>(), "spaces")).toHaveLength(2);
    // A single object ignores page.
    expect((await get("/api/verify?page=3")).json<Json>()).toEqual(fixture("verify.json"));
  });

  it("accepts any Basic credentials, refuses requests without them and 404s unknown paths", async () => {
    expect((await get("/api/acryl/spaces", { authorization: basic("x", "y") })).status).toBe(200);
    const unauthenticated = await get("/api/acryl/spaces", {});
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.json<Json>().id).toBe("unauthorized");
    const missing = await get("/api/acryl/reports/000000000000");
    expect(missing.status).toBe(404);
    expect(missing.json<Json>()).toEqual({ id: "not_found", message: "Not found" });
    expect(server.requests).toContain("/api/acryl/reports/000000000000");
  });
});
