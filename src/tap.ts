import type { Command } from "./args.js";
import { renderAbout } from "./about.js";
import { loadConfig, loadConfigSchema, readJsonObjectFile, type Config } from "./config.js";
import { testConnection } from "./connection-test.js";
import { InputError } from "./errors.js";
import { ModeClient } from "./http/client.js";
import { createLogger, type Logger } from "./log.js";
import { packageInfo } from "./package-info.js";
import { LineWriter } from "./singer/line-writer.js";
import { SingerOutput, type MessageSink } from "./singer/output.js";
import { parseState, emptyState, type TapState } from "./state.js";
import { streamDefinitions } from "./streams/registry.js";
import { systemClock, type Clock } from "./clock.js";
import { discoverCatalog, formatCatalog, parseCatalog, resolveSelection } from "./catalog.js";
import { loadSchemaRegistry } from "./schemas.js";
import { createRecordProcessor } from "./records/processor.js";
import { runSync, type PlannedStream, type SyncSummary } from "./sync/engine.js";
import { runAirbyte } from "./airbyte/command.js";
import { reportResultsPhase } from "./results/phase.js";
import type { TextOut } from "./batched-text.js";
import type { JsonObject } from "./json.js";
import type { Catalog } from "./singer/catalog-types.js";

export interface RunIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: TextOut;
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal;
  /** Called once the config turns debug logging on (stack traces for unexpected errors). */
  readonly onDebug: () => void;
  readonly clock?: Clock;
}

/** The run-time pieces every command that talks to Mode shares. */
export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  readonly client: ModeClient;
}

/** Loads and validates the config, then builds the run's logger and logs the config warnings through it. */
function configAndLogger(
  configs: readonly string[],
  io: Pick<RunIo, "stderr" | "env" | "onDebug">,
  makeLogger?: (config: Config) => Logger,
): { config: Config; logger: Logger } {
  const { config, warnings } = loadConfig(configs, io.env);
  if (config.logLevel === "debug") io.onDebug();
  // The Airbyte command logs through its own factory (LOG messages on stdout); Singer mode logs to stderr.
  const logger =
    makeLogger?.(config) ?? createLogger({ level: config.logLevel, format: config.logFormat, destination: io.stderr });
  for (const warning of warnings) logger.warn(warning);
  return { config, logger };
}

export function createRuntime(
  configs: readonly string[],
  io: Pick<RunIo, "stderr" | "env" | "onDebug" | "clock">,
  overrides: { maxRetries?: number; createLogger?: (config: Config) => Logger } = {},
): Runtime {
  const { config, logger } = configAndLogger(configs, io, overrides.createLogger);
  const client = new ModeClient({
    baseUrl: config.baseUrl,
    apiToken: config.apiToken,
    apiSecret: config.apiSecret,
    userAgent: config.userAgent,
    requestTimeoutMs: config.requestTimeoutSeconds * 1000,
    rateLimit: {
      requests: config.rateLimitRequests,
      windowMs: config.rateLimitWindowSeconds * 1000,
      maxConcurrent: config.maxConcurrency,
    },
    maxRetries: overrides.maxRetries ?? config.maxRetries,
    requestMetrics: config.requestMetrics,
    logger,
    ...(io.clock ? { clock: io.clock } : {}),
  });
  return { config, logger, client };
}

/** Runs a parsed command (all but help/version, which the CLI answers itself). Returns the exit code. */
export async function runCommand(command: Command, io: RunIo): Promise<number> {
  switch (command.kind) {
    case "about": {
      io.stdout.write(
        renderAbout({ info: packageInfo(), schema: loadConfigSchema(), streams: streamDefinitions() }, command.format),
      );
      return 0;
    }
    case "discover": {
      // Discovery needs no API call (the catalog is static), but the config must be valid (Singer SPEC.md synopsis).
      configAndLogger(command.configs, io);
      io.stdout.write(formatCatalog(discoverCatalog()));
      return 0;
    }
    case "test": {
      // One line is the whole answer: request metrics and info logs stay quiet unless debugging.
      const runtime = createRuntime(command.configs, io, {
        maxRetries: 0,
        createLogger: (config) =>
          createLogger({
            level: config.logLevel === "debug" ? "debug" : "warn",
            format: config.logFormat,
            destination: io.stderr,
          }),
      });
      try {
        const result = await testConnection(runtime.config, runtime.client);
        (result.ok ? io.stdout : io.stderr).write(`${result.message}\n`);
        return result.ok ? 0 : 1;
      } finally {
        await runtime.client.close();
      }
    }
    case "sync": {
      const runtime = createRuntime(command.configs, io);
      try {
        const sink = new SingerOutput(new LineWriter(io.stdout));
        await syncWith(runtime, sink, {
          catalogFile: command.catalog,
          stateFile: command.state,
          signal: io.signal,
          clock: io.clock ?? systemClock(),
        });
        return 0;
      } finally {
        await runtime.client.close();
      }
    }
    case "airbyte":
      return runAirbyte(command, io);
    default:
      return 2;
  }
}

export interface SyncInputs {
  readonly catalogFile: string | undefined;
  readonly stateFile: string | undefined;
  /** An already parsed state value (the Airbyte adapter), used when stateFile is undefined. */
  readonly stateValue?: TapState;
  /** An already built catalog (the Airbyte adapter's configured catalog), used when catalogFile is undefined. */
  readonly catalogValue?: Catalog;
  readonly signal: AbortSignal;
  readonly clock: Clock;
}

/** Loads catalog and state, plans the selected streams and runs the sync into `sink`. */
export async function syncWith(runtime: Runtime, sink: MessageSink, inputs: SyncInputs): Promise<SyncSummary> {
  const { config, logger, client } = runtime;
  // Every input file is read and checked before anything is logged or requested: a bad one is the first and only line.
  const catalog =
    inputs.catalogFile === undefined
      ? inputs.catalogValue
      : parseCatalog(readJsonObjectFile(inputs.catalogFile, "catalog", InputError), inputs.catalogFile);
  const state =
    inputs.stateFile === undefined
      ? (inputs.stateValue ?? emptyState())
      : parseState(readJsonObjectFile(inputs.stateFile, "state", InputError), inputs.stateFile);
  const selection = resolveSelection(catalog, logger);
  const schemas = loadSchemaRegistry();
  const processor = createRecordProcessor({ schemas, logger, invalidRecords: config.invalidRecords });
  const streams: PlannedStream[] = selection.map((s) => ({
    definition: s.definition,
    schema: s.schema as JsonObject,
    replicationMethod: s.replicationMethod,
    ...(s.replicationKey !== undefined ? { replicationKey: s.replicationKey } : {}),
  }));
  const fields = new Map(selection.map((s) => [s.definition.name, s.selectedFields] as const));
  const results = fields.has("query_results") ? reportResultsPhase() : undefined;
  const summary = await runSync({
    config,
    client,
    sink,
    logger,
    clock: inputs.clock,
    signal: inputs.signal,
    definitions: streamDefinitions(),
    streams,
    state,
    prepare: (stream, raw, context) => processor.process(stream, raw, context, fields.get(stream)),
    ...(results ? { extraPhases: [results] } : {}),
  });
  // Failed reports end the run non-zero only now, after the final STATE (src/results/phase.ts).
  results?.throwIfFailed();
  return summary;
}
