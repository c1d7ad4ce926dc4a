import { systemClock, type Clock } from "../../src/clock.js";
import { DiscoverySession, type DiscoveryTransport } from "../../src/discovery/session.js";
import { ModeClient } from "../../src/http/client.js";
import type { JsonObject } from "../../src/json.js";
import type { Logger } from "../../src/log.js";
import { startSimulator, type RunningSimulator } from "../../src/simulator/index.js";
import type { SimulatorOptions } from "../../src/simulator/types.js";
import { streamDefinitions } from "../../src/streams/registry.js";
import type { StreamDefinition } from "../../src/streams/types.js";
import { captureLogger } from "../records/log-capture.js";

export const DISCOVERY_STREAMS: readonly StreamDefinition[] = streamDefinitions().filter((d) => d.api === "discovery");

export interface Rig {
  readonly sim: RunningSimulator;
  readonly client: ModeClient;
  readonly session: DiscoverySession;
  readonly lines: string[];
  readonly warnings: () => string[];
  readonly logger: Logger;
  stop(): Promise<void>;
}

/** A simulator, a REST client on it and a Discovery session over that client, with the logs kept. */
export async function discoveryRig(
  options: SimulatorOptions = {},
  session: {
    clock?: Clock;
    closeTimeoutMs?: number;
    includePersonalSpaces?: boolean;
    transport?: (c: ModeClient) => DiscoveryTransport;
  } = {},
): Promise<Rig> {
  const sim = await startSimulator({ rateLimit: false, ...options });
  const { logger, lines, warnings } = captureLogger();
  const client = new ModeClient({
    baseUrl: sim.baseUrl,
    apiToken: sim.token,
    apiSecret: sim.secret,
    userAgent: "tap-mode/test",
    requestTimeoutMs: 5000,
    rateLimit: { requests: 1000, windowMs: 1000 },
    maxRetries: 2,
    logger,
    random: () => 0,
  });
  const discovery = new DiscoverySession({
    transport: session.transport?.(client) ?? client,
    baseUrl: sim.baseUrl,
    workspace: sim.workspace,
    query: { includePersonalSpaces: session.includePersonalSpaces ?? true },
    tokenLifetimeHours: 4,
    runStartedAt: "2026-12-02T14:00:00.000Z",
    logger,
    clock: session.clock ?? systemClock(),
    ...(session.closeTimeoutMs === undefined ? {} : { closeTimeoutMs: session.closeTimeoutMs }),
  });
  return {
    sim,
    client,
    session: discovery,
    lines,
    warnings,
    logger,
    stop: async () => {
      await discovery.close();
      await client.close();
      await sim.stop();
    },
  };
}

/** Every item of one Discovery stream, read to the end. */
export async function readAll(session: DiscoverySession, definition: StreamDefinition): Promise<JsonObject[]> {
  const items: JsonObject[] = [];
  for await (const page of session.pages(definition)) items.push(...page.items);
  return items;
}

/** The stream's key of an item, as the tap writes it. */
export function keyOf(definition: StreamDefinition, item: JsonObject): string {
  return String(item[definition.keyProperties[0] as string]);
}
