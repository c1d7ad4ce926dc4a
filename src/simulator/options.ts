import { systemClock, type Clock } from "../clock.js";
import type { Logger } from "../log.js";
import type {
  DiscoveryOptions,
  FaultOptions,
  RateLimitOptions,
  SimulatorOptions,
  SimulatorQuirks,
  WorkspaceSize,
} from "./types.js";

/** Demo-sized workspace: a handful of spaces with ~10 reports each and a few runs. */
export const DEFAULT_SIZE: Readonly<WorkspaceSize> = Object.freeze({
  spaces: 4,
  personalSpaces: 1,
  emptySpaces: 1,
  reportsPerSpace: 10,
  datasetsPerSpace: 1,
  queriesPerReport: 2,
  chartsPerQuery: 1,
  runsPerReport: 3,
  schedulesPerReport: 1,
  filtersPerReport: 1,
  subscriptionsPerReport: 1,
  dataSources: 3,
  definitions: 2,
  members: 5,
  groups: 2,
  membersPerGroup: 2,
  resultRows: 20,
  auditLogs: 50,
});

/** Mode's documented limit: about 40 requests every 10 seconds per username (docs/mode-api.md §6.1). */
export const DEFAULT_RATE_LIMIT: Readonly<RateLimitOptions> = Object.freeze({
  requests: 40,
  windowMs: 10_000,
  retryAfter: true,
});

// Limits imposed by the token layout (tokens.ts): 8 bits for small children, 12 for runs per report.
const SIZE_LIMITS: Partial<Record<keyof WorkspaceSize, number>> = {
  queriesPerReport: 255,
  chartsPerQuery: 255,
  runsPerReport: 4095,
  schedulesPerReport: 255,
  filtersPerReport: 255,
  subscriptionsPerReport: 255,
  members: 65_535,
  membersPerGroup: 65_535,
  spaces: 100_000,
  personalSpaces: 100_000,
  emptySpaces: 100_000,
  reportsPerSpace: 1_000_000,
};

export interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly seed: number;
  readonly workspace: string;
  readonly token: string;
  readonly secret: string;
  readonly admin: boolean;
  readonly size: Readonly<WorkspaceSize>;
  readonly integerIds: boolean;
  readonly rateLimit: Readonly<RateLimitOptions> | false;
  readonly faults: FaultOptions | undefined;
  readonly runDelayMs: number;
  readonly latencyMs: number;
  readonly runsBumpReportUpdatedAt: boolean;
  readonly legacyAccountEndpoint: boolean;
  readonly quirks: Readonly<SimulatorQuirks>;
  readonly discovery: Readonly<Required<DiscoveryOptions>>;
  readonly clock: Clock;
  readonly logger: Logger | undefined;
}

const WORKSPACE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function nonNegativeInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new RangeError(`simulator option ${name} must be an integer in 0..${max}, got ${value}`);
  return value;
}

/** Fills defaults and validates; throws RangeError naming the bad option. */
export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  const size: WorkspaceSize = { ...DEFAULT_SIZE, ...options.size };
  for (const key of Object.keys(size) as (keyof WorkspaceSize)[])
    nonNegativeInteger(`size.${key}`, size[key], SIZE_LIMITS[key]);
  if (size.members < 1)
    throw new RangeError("simulator option size.members must be at least 1 (member 0 is the API user)");
  const workspace = options.workspace ?? "acme";
  if (!WORKSPACE.test(workspace) || workspace === "verify" || workspace === "account")
    throw new RangeError(`simulator option workspace is not a valid username: ${workspace}`);
  const rateLimit = options.rateLimit === false ? false : { ...DEFAULT_RATE_LIMIT, ...options.rateLimit };
  if (rateLimit !== false && (!(rateLimit.requests > 0) || !(rateLimit.windowMs > 0)))
    throw new RangeError("simulator option rateLimit needs requests > 0 and windowMs > 0");
  if (options.faults !== undefined) validateFaults(options.faults);
  return {
    host: options.host ?? "127.0.0.1",
    port: nonNegativeInteger("port", options.port ?? 0, 65_535),
    seed: nonNegativeInteger("seed", options.seed ?? 1, 0xffff_ffff),
    workspace,
    token: options.token ?? "sim-token",
    secret: options.secret ?? "sim-secret",
    admin: options.admin ?? true,
    size,
    integerIds: options.integerIds ?? false,
    rateLimit,
    faults: options.faults,
    runDelayMs: nonNegativeInteger("runDelayMs", options.runDelayMs ?? 200),
    latencyMs: nonNegativeInteger("latencyMs", options.latencyMs ?? 0),
    runsBumpReportUpdatedAt: options.runsBumpReportUpdatedAt ?? true,
    legacyAccountEndpoint: options.legacyAccountEndpoint ?? false,
    quirks: { ...options.quirks },
    discovery: {
      enabled: options.discovery?.enabled ?? true,
      maxPerPage: nonNegativeInteger("discovery.maxPerPage", options.discovery?.maxPerPage ?? 1000),
      membersKey: options.discovery?.membersKey ?? "memberships",
      viewCountKey: options.discovery?.viewCountKey ?? "view_count",
    },
    clock: options.clock ?? systemClock(),
    logger: options.logger,
  };
}

/** Throws RangeError when fault settings are out of range. */
export function validateFaults(faults: FaultOptions): void {
  if (typeof faults.rate !== "number" || !(faults.rate >= 0 && faults.rate <= 1))
    throw new RangeError("faults.rate must be a number in 0..1");
  for (const [kind, weight] of Object.entries(faults.kinds ?? {})) {
    if (!["500", "502", "503", "429", "reset", "truncate", "slow"].includes(kind))
      throw new RangeError(`faults.kinds has an unknown kind: ${kind}`);
    if (typeof weight !== "number" || !(weight >= 0))
      throw new RangeError(`faults.kinds.${kind} must be a non-negative number`);
  }
  if (faults.slowMs !== undefined) nonNegativeInteger("faults.slowMs", faults.slowMs);
  if (faults.burst !== undefined) nonNegativeInteger("faults.burst", faults.burst);
  if (faults.seed !== undefined) nonNegativeInteger("faults.seed", faults.seed, 0xffff_ffff);
}
