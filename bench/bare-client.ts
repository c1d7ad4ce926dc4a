/**
 * The floor under the unthrottled figure: a client that only fetches and parses. It walks the same report tree the
 * tap walks (spaces -> reports -> queries -> charts, filters, schedules, subscriptions, runs -> query runs: all but a
 * few dozen of a sync's requests) with undici's dispatch API, 8 requests in flight, JSON.parse and nothing else: no
 * records, validation, output, logging, rate limiting or state. Its CPU time per request is what HTTP on loopback plus
 * JSON parsing cost on this machine; the tap's figure minus this one is what the tap itself adds.
 */
import { Agent } from "undici";

export interface BareClientResult {
  readonly requests: number;
  readonly items: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
}

interface Target {
  readonly baseUrl: string;
  readonly workspace: string;
  readonly token: string;
  readonly secret: string;
}

type Body = { _embedded?: Record<string, Array<{ token: string }>>; pagination?: { total_pages?: number } };

/** Runs the walk against a running simulator and returns its figures (CPU time of this process meanwhile). */
export async function bareClientRun(target: Target, concurrency = 8): Promise<BareClientResult> {
  const base = new URL(target.baseUrl);
  const agent = new Agent({ connections: concurrency });
  const headers = {
    authorization: `Basic ${Buffer.from(`${target.token}:${target.secret}`).toString("base64")}`,
    accept: "application/hal+json",
  };
  const ws = `${base.pathname}/${target.workspace}`;
  let requests = 0;
  let items = 0;

  const get = (path: string): Promise<Body> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      agent.dispatch(
        { origin: base.origin, path: `${ws}${path}`, method: "GET", headers },
        {
          onRequestStart: () => undefined,
          onResponseStart: () => undefined,
          onResponseData: (_c, chunk) => void chunks.push(chunk),
          onResponseEnd: () => {
            requests++;
            resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Body);
          },
          onResponseError: (_c, error) => reject(error),
        },
      );
    });
  const list = async (path: string, key: string, paged = false): Promise<Array<{ token: string }>> => {
    const out: Array<{ token: string }> = [];
    for (let page = 1; ; page++) {
      const body = await get(paged ? `${path}${path.includes("?") ? "&" : "?"}page=${page}` : path);
      const found = body._embedded?.[key] ?? [];
      items += found.length;
      out.push(...found);
      if (!paged || found.length === 0 || page >= (body.pagination?.total_pages ?? page)) return out;
    }
  };

  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const spaces = await list("/spaces?filter=all", "spaces");
  const reports: string[] = [];
  for (const space of spaces)
    for (const report of await list(`/spaces/${space.token}/reports`, "reports", true)) reports.push(report.token);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < reports.length) {
      const report = reports[next++] as string;
      for (const query of await list(`/reports/${report}/queries`, "queries"))
        await list(`/reports/${report}/queries/${query.token}/charts`, "charts");
      await list(`/reports/${report}/filters`, "report_filters");
      await list(`/reports/${report}/schedules`, "report_schedules");
      await list(`/reports/${report}/subscriptions`, "report_subscriptions");
      for (const run of await list(`/reports/${report}/runs`, "report_runs", true))
        await list(`/reports/${report}/runs/${run.token}/query_runs`, "query_runs");
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage(cpuBefore);
  const wallSeconds = (performance.now() - started) / 1000;
  await agent.close();
  return { requests, items, wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}
