import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import type { Clock } from "../../src/clock.js";
import { startSimulator, type RunningSimulator, type SimulatorOptions } from "../../src/simulator/index.js";

/** A raw HTTP answer (node:http, so headers and bytes are exactly what the server sent). */
export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly raw: Buffer;
  /** Body decoded from gzip when Content-Encoding says so. */
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface Client {
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Answer>;
}

/** Low-level request to an absolute URL; rejects on socket errors (resets). */
export function httpRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers:
          body === undefined
            ? headers
            : { ...headers, "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("aborted", () => reject(new Error("response aborted")));
        res.on("end", () => {
          const raw = Buffer.concat(chunks);
          const text =
            res.headers["content-encoding"] === "gzip" ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            raw,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export function basic(token: string, secret: string): string {
  return `Basic ${Buffer.from(`${token}:${secret}`).toString("base64")}`;
}

/** A client for `/api` paths (below baseUrl) with the simulator's credentials. */
export function client(sim: RunningSimulator): Client {
  const auth = { authorization: basic(sim.token, sim.secret) };
  return {
    get: (path, headers = {}) => httpRequest(`${sim.baseUrl}${path}`, "GET", { ...auth, ...headers }),
    post: (path, body, headers = {}) =>
      httpRequest(`${sim.baseUrl}${path}`, "POST", { ...auth, ...headers }, JSON.stringify(body)),
  };
}

/** A simulator without rate limit unless asked (tests make many requests). */
export function start(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ rateLimit: false, ...options });
}

/** A clock tests move by hand; `sleep` resolves when `advance` passes its deadline. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
}

export function manualClock(start = Date.UTC(2026, 10, 1)): ManualClock {
  let now = start;
  const sleepers: Array<{ at: number; resolve: () => void }> = [];
  return {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const entry = { at: now + ms, resolve };
        sleepers.push(entry);
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      }),
    advance: (ms) => {
      now += ms;
      for (const s of sleepers.filter((x) => x.at <= now)) {
        sleepers.splice(sleepers.indexOf(s), 1);
        s.resolve();
      }
    },
  };
}

export type Json = Record<string, unknown>;

/** `_embedded[key]` of a list body. */
export function embedded(body: Json, key: string): Json[] {
  return ((body._embedded as Json | undefined)?.[key] as Json[] | undefined) ?? [];
}

export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
