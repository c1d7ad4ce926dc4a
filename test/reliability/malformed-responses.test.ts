import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogSelecting } from "../support/sim-harness.js";
import { runCli, tempFiles, type CliResult } from "../support/run-cli.js";
import { assertNoSecrets } from "../support/singer-check.js";
import { stackFrames } from "./support.js";

const TOKEN = "tok-malformed-5d1e";
const SECRET = "sec-malformed-8b2f-SECRET";
const AUTHORIZATION = `Basic ${Buffer.from(`${TOKEN}:${SECRET}`).toString("base64")}`;

const HAL = "application/hal+json; charset=utf-8";
const HTML_PAGE =
  "<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action=/signin>Please sign " +
  "in</form></body></html>";
const BAD_GATEWAY =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad " +
  "Gateway</h1></center></body>\r\n</html>\r\n";

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

const json = (status: number, body: unknown): Answer => ({ status, type: HAL, body: JSON.stringify(body) });
const space = (token: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  token,
  id: token,
  name: `Space ${token}`,
  space_type: "custom",
  restricted: false,
  ...extra,
});
const spacesPage = (embedded: Record<string, unknown>): Answer =>
  json(200, { _links: { self: { href: "/api/ws/spaces" } }, _embedded: embedded });

/**
 * What `GET /api/<workspace>/spaces` answers, per workspace name: each test syncs its own workspace against one server.
 * Each case gets the Authorization header it received (one echoes it back, as a debugging proxy might).
 */
const CASES: Record<string, (authorization: string) => Answer> = {
  "two-lists": () => spacesPage({ reports: [space("r1")], collections: [space("c1")] }),
  "one-other-list": () => spacesPage({ collections: [space("c1"), space("c2")] }),
  "not-a-list": () => spacesPage({ spaces: { token: "s1" } }),
  "missing-token": () => spacesPage({ spaces: [space("s1"), { name: "no token here", space_type: "custom" }] }),
  "wrong-type": () => spacesPage({ spaces: [space("s1", { restricted: "yes" })] }),
  "html-200": () => ({ status: 200, type: "text/html", body: HTML_PAGE }),
  "html-502": () => ({ status: 502, type: "text/html", body: BAD_GATEWAY }),
  "array-body": () => json(200, [space("s1")]),
  "echoing-error": (authorization) =>
    json(400, { id: "bad_request", message: `rejected header Authorization: ${authorization} for user ${TOKEN}` }),
};

describe("malformed API responses", () => {
  let server: Server;
  let baseUrl: string;
  const catalog = catalogSelecting((stream) => stream === "spaces");

  beforeAll(async () => {
    server = createServer((req, res) => {
      const segments = new URL(req.url ?? "/", "http://x").pathname.split("/");
      const [, api, workspace = "", list] = segments;
      const respond = CASES[workspace];
      const answer =
        api === "api" && list === "spaces" && respond !== undefined
          ? respond(req.headers.authorization ?? "")
          : json(404, { id: "not_found", message: "Not found" });
      res.writeHead(answer.status, { "content-type": answer.type, "content-length": Buffer.byteLength(answer.body) });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /**
   * Syncs the spaces stream of `workspace` with the built CLI; no retries, so a transient-looking answer fails at once.
   */
  async function sync(workspace: string): Promise<CliResult & { critical: string[] }> {
    const files = tempFiles({
      "config.json": { api_token: TOKEN, api_secret: SECRET, workspace, base_url: baseUrl, max_retries: 0 },
      "catalog.json": catalog,
    });
    const result = await runCli(["--config", files.path("config.json"), "--catalog", files.path("catalog.json")]);
    assertNoSecrets(result.stdout + result.stderr, [TOKEN, SECRET, AUTHORIZATION.slice("Basic ".length)]);
    expect(stackFrames(result.stderr)).toEqual([]);
    return { ...result, critical: result.stderr.split("\n").filter((line) => line.startsWith("CRITICAL")) };
  }

  it.concurrent(
    "an _embedded without the expected list and with several others fails, naming the endpoint and the keys found",
    async () => {
      const run = await sync("two-lists");
      expect(run.code).toBe(1);
      expect(run.critical).toEqual([
        'CRITICAL GET /{workspace}/spaces: malformed response: _embedded has no "spaces" list (keys: ' +
          "reports, collections)",
      ]);
    },
  );

  it.concurrent(
    "an _embedded holding one list under another key is read with one warning naming both keys",
    async () => {
      const run = await sync("one-other-list");
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/no _embedded\.spaces; using the only list, _embedded\.collections/);
      expect(run.stdout.match(/"type":"RECORD"/g)).toHaveLength(2);
    },
  );

  it.concurrent("an _embedded list that is not an array fails, naming it", async () => {
    const run = await sync("not-a-list");
    expect(run.code).toBe(1);
    expect(run.critical).toEqual([
      "CRITICAL GET /{workspace}/spaces: malformed response: _embedded.spaces is not an array",
    ]);
  });

  it.concurrent("an item missing its token fails, naming the stream and the field", async () => {
    const run = await sync("missing-token");
    expect(run.code).toBe(1);
    expect(run.critical).toEqual(['CRITICAL malformed spaces item from Mode: missing "token"']);
  });

  it.concurrent(
    "a field of the wrong type fails validation, naming the record, the field, the expected type and the value",
    async () => {
      const run = await sync("wrong-type");
      expect(run.code).toBe(1);
      expect(run.critical).toEqual([
        'CRITICAL spaces record token=s1: field "restricted" must be boolean or null, got "yes"',
      ]);
      expect(run.stdout).not.toContain('"type":"RECORD"');
    },
  );

  it.concurrent(
    "an HTML page answered with 200 (a proxy's sign-in page) fails as a body that is not JSON",
    async () => {
      const run = await sync("html-200");
      expect(run.code).toBe(1);
      expect(run.critical).toEqual([
        "CRITICAL GET /{workspace}/spaces: giving up after 1 attempts; last error: GET /{workspace}/spaces " +
          "HTTP 200: response body is truncated or not JSON",
      ]);
    },
  );

  it.concurrent("an HTML 502 page from a gateway fails with its status, not with the HTML", async () => {
    const run = await sync("html-502");
    expect(run.code).toBe(1);
    expect(run.critical).toEqual([
      "CRITICAL GET /{workspace}/spaces: giving up after 1 attempts; " +
        "last error: GET /{workspace}/spaces HTTP 502: server error",
    ]);
    expect(run.stderr).not.toContain("<html>");
  });

  it.concurrent("a JSON array where an object belongs fails as malformed", async () => {
    const run = await sync("array-body");
    expect(run.code).toBe(1);
    expect(run.critical).toEqual([
      "CRITICAL GET /{workspace}/spaces HTTP 200: malformed response: body is not a JSON object",
    ]);
  });

  it.concurrent("an error message that echoes the credentials is shown with them redacted", async () => {
    const run = await sync("echoing-error");
    expect(run.code).toBe(1);
    expect(run.critical).toHaveLength(1);
    const redacted =
      "CRITICAL GET /{workspace}/spaces HTTP 400 " +
      "(bad_request: rejected header Authorization: Basic [REDACTED] for user [REDACTED])";
    expect(run.critical[0]?.slice(0, redacted.length)).toBe(redacted);
  });
});
