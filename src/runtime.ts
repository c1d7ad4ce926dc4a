import { loadConfig, readJsonObjectFile, type Config } from "./config.js";
import { InputError } from "./errors.js";
import { ModeClient } from "./http/client.js";
import type { JsonObject } from "./json.js";
import { createLogger, type Logger } from "./log.js";
import type { TextOut } from "./batched-text.js";
import type { Clock } from "./clock.js";
import { parseCatalog, resolveSelection } from "./catalog.js";
import { createRecordProcessor } from "./records/processor.js";
import { loadSchemaRegistry, type SchemaRegistry } from "./schemas.js";
import type { Catalog } from "./singer/catalog-types.js";
import type { MessageSink } from "./singer/output.js";
import { emptyState, type TapState } from "./state.js";
import { readStateFile } from "./state-input.js";
import { streamDefinitions } from "./streams/registry.js";
import type { StreamDefinition } from "./streams/types.js";
import { checkBookmarks } from "./sync/bookmarks.js";
import { runSync, type PlannedStream, type SyncSummary } from "./sync/engine.js";
import type { StrategyOf } from "./sync/plan.js";
import { strategyOf } from "./sync/strategies/index.js";

/**
 * The run-time pieces every command that talks to Mode shares, Singer and Airbyte alike: config and logger, the
 * client, and a sync from catalog and state files (or values) into a message sink.
 */

export interface RunIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: TextOut;
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal;
  /** Called once the config turns debug logging on (stack traces for unexpected errors). */
  readonly onDebug: () => void;
  readonly clock?: Clock;
}

export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  readonly client: ModeClient;
}

/** The streams a run knows, their schemas and walk strategies: the tap's own unless a caller (a test) brings others. */
export interface StreamRegistry {
  readonly definitions: readonly StreamDefinition[];
  readonly schemas: SchemaRegistry;
  /** The strategy of each walk kind (src/sync/strategies/index.ts by default). */
  readonly strategies?: StrategyOf;
}

export function defaultRegistry(): StreamRegistry {
  const definitions = streamDefinitions();
  return { definitions, schemas: loadSchemaRegistry({ streams: definitions.map((d) => d.name) }) };
}

/** Loads and validates the config, then builds the run's logger and logs the config warnings through it. */
export function configAndLogger(
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
  overrides: {
    maxRetries?: number;
    createLogger?: (config: Config) => Logger;
    /** The Airbyte protocol has no ACTIVATE_VERSION: its reads are not versioned (docs/deletions.md). */
    emitActivateVersionMessages?: boolean;
  } = {},
): Runtime {
  const loaded = configAndLogger(configs, io, overrides.createLogger);
  const { logger } = loaded;
  const config: Config =
    overrides.emitActivateVersionMessages === undefined
      ? loaded.config
      : { ...loaded.config, emitActivateVersionMessages: overrides.emitActivateVersionMessages };
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

export interface SyncInputs {
  readonly catalogFile: string | undefined;
  readonly stateFile: string | undefined;
  /** An already parsed state value (the Airbyte adapter), used when stateFile is undefined. */
  readonly stateValue?: TapState;
  /** An already built catalog (the Airbyte adapter's configured catalog), used when catalogFile is undefined. */
  readonly catalogValue?: Catalog;
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** The streams and schemas to sync with; the tap's own by default. */
  readonly registry?: StreamRegistry;
  /** Checks the selected streams (as their SCHEMA messages will be) before anything is requested or written. */
  readonly checkStreams?: (
    streams: ReadonlyArray<{ name: string; schema: JsonObject; keyProperties: readonly string[] }>,
  ) => void;
}

/** Loads catalog and state, plans the selected streams and runs the sync into `sink`. */
export async function syncWith(runtime: Runtime, sink: MessageSink, inputs: SyncInputs): Promise<SyncSummary> {
  const { config, logger, client } = runtime;
  const { definitions, schemas, strategies = strategyOf } = inputs.registry ?? defaultRegistry();
  // Every input file is read and checked before anything is logged or requested: a bad one is the first and only line.
  const catalog =
    inputs.catalogFile === undefined
      ? inputs.catalogValue
      : parseCatalog(readJsonObjectFile(inputs.catalogFile, "catalog", InputError), inputs.catalogFile);
  // A state file as people have it (a Meltano wrapper, a STATE message line) is unwrapped, saying so (state-input.ts).
  const stateInput =
    inputs.stateFile === undefined
      ? { state: inputs.stateValue ?? emptyState(), info: [], warnings: [] }
      : readStateFile(
          inputs.stateFile,
          definitions.map((d) => d.name),
        );
  const state = stateInput.state;
  checkBookmarks(state, definitions, strategies, inputs.stateFile ?? "value");
  for (const line of stateInput.info) logger.info(line);
  for (const line of stateInput.warnings) logger.warn(line);
  const selection = resolveSelection(catalog, logger, { definitions, schemas });
  const processor = createRecordProcessor({ schemas, logger, invalidRecords: config.invalidRecords, definitions });
  const streams: PlannedStream[] = selection.map((s) => ({
    definition: s.definition,
    schema: s.schema as JsonObject,
    replicationMethod: s.replicationMethod,
    ...(s.replicationKey !== undefined ? { replicationKey: s.replicationKey } : {}),
  }));
  inputs.checkStreams?.(
    streams.map((s) => ({ name: s.definition.name, schema: s.schema, keyProperties: s.definition.keyProperties })),
  );
  const fields = new Map(selection.map((s) => [s.definition.name, s.selectedFields] as const));
  return runSync({
    config,
    client,
    sink,
    logger,
    clock: inputs.clock,
    signal: inputs.signal,
    definitions,
    streams,
    state,
    prepare: (stream, raw, context) => processor.process(stream, raw, context, fields.get(stream)),
    strategies,
  });
}
