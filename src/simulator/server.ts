import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleControl } from "./control.js";
import { acceptsGzip, readJsonBody, writeBuffer, writeStream, writeText, type BodyFault } from "./http-io.js";
import { WorkspaceModel } from "./model.js";
import { resolveOptions } from "./options.js";
import type { RateDecision } from "./rate-limit.js";
import { parseRequestTarget, type RequestTarget } from "./request-target.js";
import { modeError, type ApiResponse } from "./responses.js";
import { Router, type RouteMatch } from "./router.js";
import { DiscoveryApi } from "./routes-discovery.js";
import { apiRoutes } from "./routes.js";
import type { SimulatorOptions } from "./types.js";

/** A running simulator (see `startSimulator`). */
export interface RunningSimulator {
  /** `http://127.0.0.1:PORT/api`: the tap's `base_url`. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:PORT/__control`. */
  readonly controlUrl: string;
  readonly workspace: string;
  readonly token: string;
  readonly secret: string;
  /** Direct access for tests: mutate, truth, stats, faults. */
  readonly model: WorkspaceModel;
  /** The Discovery API below `/batch` (tests: the signature tokens created and deleted). */
  readonly discovery: DiscoveryApi;
  stop(): Promise<void>;
}

const HAL_JSON = "application/hal+json; charset=utf-8";

const BAD_GATEWAY_HTML =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad " +
  "Gateway</h1></center>\r\n</body>\r\n</html>\r\n";

interface BasicAuth {
  readonly user: string;
  readonly ok: boolean;
}

// The username of a Basic `Authorization` header and whether the pair matches.
function basicAuth(header: string, token: string, secret: string): BasicAuth {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (match === null) return { user: "", ok: false };
  const decoded = Buffer.from(match[1] as string, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  return { user, ok: colon >= 0 && user === token && decoded.slice(colon + 1) === secret };
}

function rateHeaders(decision: RateDecision | null): OutgoingHttpHeaders {
  return decision === null
    ? {}
    : { "X-RateLimit-Limit": String(decision.limit), "X-RateLimit-Remaining": String(decision.remaining) };
}

function splitApiPath(pathname: string): string[] {
  const rest = pathname.slice("/api/".length).replace(/\/$/, "");
  if (!rest.includes("%")) return rest.split("/");
  return rest.split("/").map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
}

// The `/api` pipeline: latency, faults, auth, rate limit, handler, body faults.
class ApiServer {
  private readonly router: Router;
  // The last Authorization header seen and what it decoded to: a client sends the same one every time.
  private lastAuth: { readonly header: string; readonly auth: BasicAuth } | null = null;

  constructor(private readonly model: WorkspaceModel) {
    this.router = new Router(apiRoutes(), model.options.workspace);
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: RequestTarget): Promise<void> {
    const { model } = this;
    const { options } = model;
    const method = req.method ?? "GET";
    const match: RouteMatch | undefined = url.pathname.startsWith("/api/")
      ? this.router.match(method, splitApiPath(url.pathname))
      : undefined;
    const finish = model.recorder.begin(match?.name ?? `${method} (unmatched)`);
    res.on("close", finish);
    const auth = this.authenticate(req.headers.authorization ?? "");
    const bucketKey = auth.user;
    if (options.latencyMs > 0) await options.clock.sleep(options.latencyMs);
    const fault = model.faultInjector.draw(bucketKey);
    let bodyFault: BodyFault = null;
    if (fault !== null) {
      model.recorder.fault(fault.kind);
      if (fault.kind === "slow") await options.clock.sleep(fault.delayMs);
      else if (fault.kind === "reset" || fault.kind === "truncate") bodyFault = fault.kind;
      else return this.injected(res, fault.kind, bucketKey);
    }
    if (!auth.ok) {
      return this.send(
        res,
        modeError(401, "unauthorized", "You must be authenticated to access this resource"),
        this.peek(bucketKey),
        null,
        req,
        { "WWW-Authenticate": 'Basic realm="Mode"' },
      );
    }
    let decision: RateDecision | null = null;
    if (model.limiter !== null) {
      decision = model.limiter.take(bucketKey);
      if (!decision.allowed) return this.rateLimited(res, decision);
    }
    const json = method === "POST" || method === "PUT" || method === "PATCH" ? await readJsonBody(req) : undefined;
    if (match === undefined) return this.send(res, modeError(404, "not_found", "Not found"), decision, bodyFault, req);
    let response: ApiResponse;
    try {
      response = match.route.handler({
        model,
        world: model.world,
        body: { world: model.world, nonce: model.nextNonce(), now: options.clock.now() },
        params: match.params,
        query: url.searchParams,
        path: url.pathname.replace(/\/$/, ""),
        json,
      });
    } catch (error) {
      options.logger?.error({ err: error, route: match.route.template }, "simulator handler failed");
      response = modeError(500, "internal_server_error", "Internal Server Error");
    }
    return this.send(res, response, decision, bodyFault, req);
  }

  private authenticate(header: string): BasicAuth {
    const last = this.lastAuth;
    if (last !== null && last.header === header) return last.auth;
    const auth = basicAuth(header, this.model.options.token, this.model.options.secret);
    this.lastAuth = { header, auth };
    return auth;
  }

  private peek(key: string): RateDecision | null {
    return this.model.limiter?.peek(key) ?? null;
  }

  private rateLimited(res: ServerResponse, decision: RateDecision): void {
    const limit = this.model.options.rateLimit;
    const headers: OutgoingHttpHeaders = rateHeaders(decision);
    if (limit !== false && limit.retryAfter !== false) headers["Retry-After"] = String(decision.retryAfterSeconds);
    this.model.recorder.status(429);
    writeBuffer(
      res,
      429,
      { ...headers, "Content-Type": HAL_JSON },
      Buffer.from(JSON.stringify({ id: "rate_limited", message: "Rate limit exceeded. Please retry later." })),
      null,
    );
  }

  /** 500/502/503/429 injected before the application sees the request. */
  private injected(res: ServerResponse, kind: "500" | "502" | "503" | "429", key: string): void {
    const headers = rateHeaders(this.peek(key));
    this.model.recorder.status(Number(kind));
    if (kind === "502") {
      // Gateway errors come back as HTML from the proxy, not JSON ([SECONDARY], docs/mode-api.md §6.2).
      writeBuffer(res, 502, { ...headers, "Content-Type": "text/html" }, Buffer.from(BAD_GATEWAY_HTML), null);
      return;
    }
    const bodies = {
      "500": { id: "internal_server_error", message: "Internal Server Error" },
      "503": { id: "service_unavailable", message: "Service Unavailable" },
      "429": { id: "rate_limited", message: "Rate limit exceeded. Please retry later." },
    } as const;
    if (kind === "429") {
      headers["X-RateLimit-Remaining"] = "0";
      headers["Retry-After"] = "1";
    }
    writeBuffer(
      res,
      Number(kind),
      { ...headers, "Content-Type": HAL_JSON },
      Buffer.from(JSON.stringify(bodies[kind])),
      null,
    );
  }

  private send(
    res: ServerResponse,
    response: ApiResponse,
    decision: RateDecision | null,
    fault: BodyFault,
    req: IncomingMessage,
    extra: OutgoingHttpHeaders = {},
  ): void | Promise<void> {
    const { recorder } = this.model;
    recorder.status(response.status);
    const headers = { ...rateHeaders(decision), ...extra };
    if (response.kind === "json") {
      writeText(
        res,
        response.status,
        { ...headers, ...response.headers, "Content-Type": HAL_JSON },
        JSON.stringify(response.body),
        fault,
      );
      return;
    }
    if (response.kind === "html") {
      writeText(res, response.status, { ...headers, "Content-Type": "text/html" }, response.body, fault);
      return;
    }
    return writeStream(
      res,
      response.status,
      { ...headers, "Content-Type": response.contentType },
      response.chunks(),
      acceptsGzip(req),
      fault,
    ).then((complete) => {
      if (complete) recorder.rows(response.rows);
    });
  }
}

async function handleControlRequest(
  model: WorkspaceModel,
  req: IncomingMessage,
  res: ServerResponse,
  url: RequestTarget,
): Promise<void> {
  const method = req.method ?? "GET";
  const body = method === "GET" ? undefined : await readJsonBody(req);
  const answer = handleControl(
    model,
    method,
    url.pathname.slice("/__control".length).replace(/\/$/, ""),
    url.searchParams,
    body === undefined && method !== "GET" ? null : body,
  );
  writeBuffer(
    res,
    answer.status,
    { "Content-Type": "application/json; charset=utf-8" },
    Buffer.from(JSON.stringify(answer.body)),
    null,
  );
}

/**
 * Starts the Mode API simulator on a loopback port (port 0 by default) and resolves once it listens.
 * `/api/...` is the Mode API; `/__control/...` the test control API (no auth, no faults, no limit).
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const resolved = resolveOptions(options);
  const model = new WorkspaceModel(resolved);
  const api = new ApiServer(model);
  const discovery = new DiscoveryApi(model);
  const server = createServer((req, res) => {
    const url = parseRequestTarget(req.url ?? "/");
    let work: Promise<void>;
    if (url.pathname === "/__control" || url.pathname.startsWith("/__control/"))
      work = handleControlRequest(model, req, res, url);
    else if (url.pathname.startsWith("/batch/")) work = discovery.handle(req, res, url);
    else work = api.handle(req, res, url);
    work.catch((error: unknown) => {
      resolved.logger?.error({ err: error }, "simulator request failed");
      if (!res.headersSent)
        writeBuffer(
          res,
          500,
          { "Content-Type": HAL_JSON },
          Buffer.from(JSON.stringify({ id: "internal_server_error", message: "Internal Server Error" })),
          null,
        );
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = resolved.host.includes(":") ? `[${resolved.host}]` : resolved.host;
  const origin = `http://${host}:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    baseUrl: `${origin}/api`,
    controlUrl: `${origin}/__control`,
    workspace: resolved.workspace,
    token: resolved.token,
    secret: resolved.secret,
    model,
    discovery,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        model.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
