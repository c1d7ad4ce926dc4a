import { parseArgs } from "node:util";
import { DEFAULT_SIZE } from "./options.js";
import type { FaultKind, SimulatorOptions, WorkspaceSize } from "./types.js";

/** Command-line flags of `node dist/src/simulator/main.js` -> SimulatorOptions. */

const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const SIZE_FLAGS = Object.keys(DEFAULT_SIZE).map((key) => [kebab(key), key as keyof WorkspaceSize] as const);

export const USAGE = `Mode API simulator: a local stand-in for app.mode.com/api.

Usage: node dist/src/simulator/main.js [options]   (npm run simulator -- [options])

  --host HOST               listen address (default 127.0.0.1)
  --port N                  port (default 0: any free port)
  --seed N                  workspace seed (default 1)
  --workspace NAME          workspace username (default acme)
  --token T --secret S      Basic-auth credentials accepted (defaults sim-token / sim-secret)
  --no-admin                groups and audit_logs answer 403
  --no-discovery            not an Enterprise workspace: the Discovery API (/batch) answers 403
  --integer-ids             pre-2025 numeric ids instead of strings
  --rate-limit N/MS|off     leaky bucket per token (default 40/10000)
  --no-retry-after          no Retry-After header on 429
  --fault-rate P            fault probability 0..1 (default 0)
  --fault-kinds K=W,...     weights of 500,502,503,429,reset,truncate,slow (default all 1)
  --slow-ms N               delay of a slow fault (default 2000)
  --run-delay-ms N          enqueued -> finished for POSTed runs (default 200)
  --latency-ms N            added to every /api response (default 0)
${SIZE_FLAGS.map(([flag, key]) => `${`  --${flag} N`.padEnd(27)} (default ${DEFAULT_SIZE[key]})`).join("\n")}
  --help                    this text
`;

function int(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new RangeError(`--${name} must be a non-negative integer, got "${value}"`);
  return Number.parseInt(value, 10);
}

function rateLimit(value: string | undefined, retryAfter: boolean): SimulatorOptions["rateLimit"] {
  if (value === undefined) return retryAfter ? undefined : { requests: 40, windowMs: 10_000, retryAfter };
  if (value === "off" || value === "false") return false;
  const match = /^(\d+)\/(\d+)$/.exec(value);
  if (match === null) throw new RangeError(`--rate-limit must be N/MS (e.g. 40/10000) or off, got "${value}"`);
  return { requests: Number(match[1]), windowMs: Number(match[2]), retryAfter };
}

function faultKinds(value: string | undefined): Partial<Record<FaultKind, number>> | undefined {
  if (value === undefined) return undefined;
  const kinds: Partial<Record<FaultKind, number>> = {};
  for (const part of value.split(",").filter((p) => p !== "")) {
    const [kind, weight = "1"] = part.split("=");
    kinds[kind as FaultKind] = Number(weight);
  }
  return kinds;
}

/** Parses argv; `{ help: true }` when --help was given. Throws RangeError/TypeError on bad flags. */
export function parseSimulatorArgs(
  argv: readonly string[],
): { help: true } | { help: false; options: SimulatorOptions } {
  const sizeOptions = Object.fromEntries(SIZE_FLAGS.map(([flag]) => [flag, { type: "string" as const }]));
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      seed: { type: "string" },
      workspace: { type: "string" },
      token: { type: "string" },
      secret: { type: "string" },
      "no-admin": { type: "boolean" },
      "no-discovery": { type: "boolean" },
      "integer-ids": { type: "boolean" },
      "rate-limit": { type: "string" },
      "no-retry-after": { type: "boolean" },
      "fault-rate": { type: "string" },
      "fault-kinds": { type: "string" },
      "slow-ms": { type: "string" },
      "run-delay-ms": { type: "string" },
      "latency-ms": { type: "string" },
      help: { type: "boolean" },
      ...sizeOptions,
    },
  });
  if (values.help === true) return { help: true };
  const str = (name: string): string | undefined => {
    const value = (values as Record<string, string | boolean | undefined>)[name];
    return typeof value === "string" ? value : undefined;
  };
  const size: Partial<WorkspaceSize> = {};
  for (const [flag, key] of SIZE_FLAGS) {
    const n = int(flag, str(flag));
    if (n !== undefined) size[key] = n;
  }
  const faultRate = str("fault-rate");
  const options: SimulatorOptions = {
    host: str("host"),
    port: int("port", str("port")),
    seed: int("seed", str("seed")),
    workspace: str("workspace"),
    token: str("token"),
    secret: str("secret"),
    admin: values["no-admin"] === true ? false : undefined,
    discovery: values["no-discovery"] === true ? { enabled: false } : undefined,
    integerIds: values["integer-ids"] === true ? true : undefined,
    rateLimit: rateLimit(str("rate-limit"), values["no-retry-after"] !== true),
    faults:
      faultRate === undefined
        ? undefined
        : { rate: Number(faultRate), kinds: faultKinds(str("fault-kinds")), slowMs: int("slow-ms", str("slow-ms")) },
    runDelayMs: int("run-delay-ms", str("run-delay-ms")),
    latencyMs: int("latency-ms", str("latency-ms")),
    size,
  };
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as SimulatorOptions;
  return { help: false, options: defined };
}
