/**
 * Issue 14's figure: the requests that spaces + reports + queries + charts take through the REST walk (one list per
 * space, one queries list per report, one charts list per query) against the same four through the Discovery API
 * (flat lists of 1,000 rows, plus creating and deleting the signature token), and the wall time each needs at Mode's
 * ~4 requests per second. REST is counted by the simulator's model (`minimalRequests`, the count the full-sync bench
 * checks the tap against); Discovery by paging the simulator with the tap's own DiscoverySession.
 */
import { systemClock } from "../src/clock.js";
import { DiscoverySession } from "../src/discovery/session.js";
import { ModeClient } from "../src/http/client.js";
import { createLogger } from "../src/log.js";
import { findStream } from "../src/streams/registry.js";
import type { StreamDefinition } from "../src/streams/types.js";
import type { WorkspaceSize } from "../src/simulator/types.js";
import { SimulatorProcess } from "./simulator-process.js";

/** 10 spaces × 500 reports × 3 queries × 2 charts: 5,000 reports. */
export function discoveryWorkspace(): Partial<WorkspaceSize> {
  return {
    spaces: 10,
    personalSpaces: 0,
    emptySpaces: 0,
    reportsPerSpace: 500,
    datasetsPerSpace: 0,
    queriesPerReport: 3,
    chartsPerQuery: 2,
    runsPerReport: 1,
  };
}

export const MODE_REQUESTS_PER_SECOND = 4;
const STREAMS = ["spaces", "reports", "queries", "charts"] as const;

export interface DiscoveryFigures {
  readonly workspace: Partial<WorkspaceSize>;
  /** Records each way (they must agree). */
  readonly records: Readonly<Record<string, { rest: number; discovery: number }>>;
  readonly restRequests: number;
  readonly restByStream: Readonly<Record<string, number>>;
  /** Every Discovery request: token created, list pages, token deleted. */
  readonly discoveryRequests: number;
  readonly discoveryByRoute: Readonly<Record<string, number>>;
  readonly ratio: number;
  readonly restSecondsAt4: number;
  readonly discoverySecondsAt4: number;
}

export async function discoveryVsRest(seed: number): Promise<DiscoveryFigures> {
  const workspace = discoveryWorkspace();
  const sim = await SimulatorProcess.start({ seed, size: workspace, rateLimit: false });
  const logger = createLogger({ level: "warn", format: "text" });
  const client = new ModeClient({
    baseUrl: sim.baseUrl,
    apiToken: sim.token,
    apiSecret: sim.secret,
    userAgent: "tap-mode/bench",
    requestTimeoutMs: 60_000,
    rateLimit: { requests: 1_000_000, windowMs: 1000 },
    maxRetries: 2,
    logger,
  });
  const session = new DiscoverySession({
    transport: client,
    baseUrl: sim.baseUrl,
    workspace: sim.workspace,
    query: { includePersonalSpaces: true },
    tokenLifetimeHours: 1,
    runStartedAt: new Date().toISOString(),
    logger,
    clock: systemClock(),
  });
  try {
    const minimal = await sim.call("minimalRequests");
    const truth = await sim.call("truthCounts");
    await sim.call("resetStats");
    const counts: Record<string, number> = {};
    for (const name of STREAMS) {
      const definition = findStream(`discovery_${name}`) as StreamDefinition;
      let n = 0;
      for await (const page of session.pages(definition)) n += page.items.length;
      counts[name] = n;
    }
    await session.close();
    const stats = await sim.call("stats");
    const discoveryByRoute = Object.fromEntries(
      Object.entries(stats.byRoute).filter(([route]) => route.includes("/batch")),
    );
    const discoveryRequests = Object.values(discoveryByRoute).reduce((a, b) => a + b, 0);
    const restByStream = Object.fromEntries(STREAMS.map((s) => [s, minimal.byStream[s] ?? 0]));
    const restRequests = Object.values(restByStream).reduce((a, b) => a + b, 0);
    return {
      workspace,
      records: Object.fromEntries(STREAMS.map((s) => [s, { rest: truth[s] ?? 0, discovery: counts[s] ?? 0 }])),
      restRequests,
      restByStream,
      discoveryRequests,
      discoveryByRoute,
      ratio: discoveryRequests / restRequests,
      restSecondsAt4: restRequests / MODE_REQUESTS_PER_SECOND,
      discoverySecondsAt4: discoveryRequests / MODE_REQUESTS_PER_SECOND,
    };
  } finally {
    await session.close();
    await client.close();
    await sim.stop();
  }
}
