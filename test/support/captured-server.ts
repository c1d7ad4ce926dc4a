import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A tiny loopback server that answers with the bodies captured from the real Mode API
 * (test/fixtures/mode-captured/), following its routes.json: workspace aliases, `collections` ->
 * `spaces`, `{"empty": KEY}` (an empty HAL list), `{"synthetic": FILE}`, page >= 2 of a list -> an
 * empty list under the same key, any Basic credentials accepted. The tap's end-to-end tests sync
 * against it.
 */
export interface CapturedServer {
  /** `http://127.0.0.1:PORT/api`. */
  readonly baseUrl: string;
  /** The workspace the routes are written for ("acryl"). */
  readonly workspace: string;
  /** Every request path (with query string) served so far, in order. */
  readonly requests: readonly string[];
  stop(): Promise<void>;
}

type RouteTarget = string | { empty: string } | { synthetic: string };

interface RoutesFile {
  workspace: string;
  workspace_aliases: string[];
  path_aliases: Record<string, string>;
  routes: Record<string, RouteTarget>;
}

const FIXTURES = new URL("../fixtures/mode-captured/", import.meta.url);

function readFixture(file: string): string {
  return readFileSync(new URL(file, FIXTURES), "utf8");
}

/** The routes of routes.json, keyed by canonical path (workspace and path aliases resolved). */
export function capturedRoutes(): {
  workspace: string;
  routes: ReadonlyMap<string, RouteTarget>;
  aliases: readonly string[];
  pathAliases: Readonly<Record<string, string>>;
} {
  const file = JSON.parse(readFixture("routes.json")) as RoutesFile;
  return {
    workspace: file.workspace,
    routes: new Map(Object.entries(file.routes)),
    aliases: file.workspace_aliases,
    pathAliases: file.path_aliases,
  };
}

/** The request path rewritten to the routes.json form: `/api/acryltest/collections/x` -> `/api/acryl/spaces/x`. */
function canonicalPath(
  pathname: string,
  workspace: string,
  aliases: readonly string[],
  pathAliases: Readonly<Record<string, string>>,
): string {
  const segments = pathname.replace(/\/$/, "").split("/");
  // ["", "api", ws, ...rest]
  if (segments[1] !== "api") return pathname;
  if (segments[2] !== undefined && aliases.includes(segments[2])) segments[2] = workspace;
  for (let i = 3; i < segments.length; i++) {
    const alias = pathAliases[segments[i] as string];
    if (alias !== undefined) segments[i] = alias;
  }
  return segments.join("/");
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "Content-Type": "application/hal+json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

function emptyList(selfHref: string, key: string): string {
  return JSON.stringify({ _links: { self: { href: selfHref } }, _embedded: { [key]: [] } });
}

/** The `_embedded` key of a captured list body, or undefined for a single object. */
function listKey(body: string): string | undefined {
  const parsed = JSON.parse(body) as { _embedded?: Record<string, unknown> };
  const embedded = parsed._embedded;
  if (embedded === undefined) return undefined;
  return Object.keys(embedded).find((k) => Array.isArray(embedded[k]));
}

function answer(req: IncomingMessage, res: ServerResponse, table: ReturnType<typeof capturedRoutes>): void {
  const url = new URL(req.url ?? "/", "http://captured.invalid");
  // Mode answers 401 without Basic auth (docs/mode-api.md §1.2); any credentials are accepted here.
  if (!/^Basic\s+\S+/i.test(req.headers.authorization ?? "")) {
    send(
      res,
      401,
      JSON.stringify({ id: "unauthorized", message: "You must be authenticated to access this resource" }),
    );
    return;
  }
  const path = canonicalPath(url.pathname, table.workspace, table.aliases, table.pathAliases);
  const target = req.method === "GET" ? table.routes.get(path) : undefined;
  if (target === undefined) {
    send(res, 404, JSON.stringify({ id: "not_found", message: "Not found" }));
    return;
  }
  const page = Number.parseInt(url.searchParams.get("page") ?? "1", 10);
  if (typeof target === "object" && "empty" in target) {
    send(res, 200, emptyList(url.pathname, target.empty));
    return;
  }
  const body = readFixture(typeof target === "string" ? target : target.synthetic);
  const key = listKey(body);
  // Query strings are ignored except page: page >= 2 of a list is empty (DataHub test_mode_threading.py).
  if (key !== undefined && page >= 2) {
    send(res, 200, emptyList(url.pathname, key));
    return;
  }
  send(res, 200, body);
}

/** Starts the captured-fixture server on 127.0.0.1, port 0. */
export async function startCapturedServer(): Promise<CapturedServer> {
  const table = capturedRoutes();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? "/");
    answer(req, res, table);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api`,
    workspace: table.workspace,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
