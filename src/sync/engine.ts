import { isoUtc, type Clock } from "../clock.js";
import type { Config } from "../config.js";
import { InterruptedError } from "../errors.js";
import type { HttpStats, ModeClient } from "../http/client.js";
import type { JsonObject } from "../json.js";
import { logMetric, type Logger } from "../log.js";
import type { MessageSink } from "../singer/output.js";
import type { TapState } from "../state.js";
import type { StreamDefinition } from "../streams/types.js";
import { clearCompletionMarkers } from "./completion.js";
import type { ParentNode, StreamPlan, StreamWalk, SyncContext, WalkPlan } from "./context.js";
import type { EstimatedKind } from "./estimate.js";
import { lookupStore } from "./lookups.js";
import { SyncOutput, type RecordPreparer } from "./output.js";
import { planWalk, type StrategyOf } from "./plan.js";
import { Progress, formatSeconds } from "./progress.js";
import { RunResources } from "./resources.js";
import { strategyOf as defaultStrategies } from "./strategies/index.js";

/** A selected stream with the schema its SCHEMA message carries (fields not selected already removed). */
export interface PlannedStream extends StreamPlan {
  readonly schema: JsonObject;
}

export interface SyncOptions {
  readonly config: Config;
  readonly client: ModeClient;
  readonly sink: MessageSink;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Aborted on SIGINT/SIGTERM: no new request starts, the last safe STATE is written, InterruptedError is thrown. */
  readonly signal: AbortSignal;
  readonly definitions: readonly StreamDefinition[];
  readonly streams: readonly PlannedStream[];
  readonly state: TapState;
  readonly prepare: RecordPreparer;
  /** The walk strategies by kind (src/sync/strategies/index.ts unless a test brings its own). */
  readonly strategies?: StrategyOf;
}

/** Root streams grouped into phases, in the order they run. */
interface Phase {
  readonly name: string;
  readonly order: number;
  readonly streams: StreamDefinition[];
}

/** The name of the phase that reads the lookup streams first (before the walk, when a derived stream needs them). */
const LOOKUP_PHASE = "lookups";

/**
 * The top of the walk as phases: each root stream runs in its strategy's phase (lookup streams in a first phase of
 * their own), phases in their strategies' order, the streams of one phase concurrently.
 */
function phasesOf(plan: WalkPlan, strategyOf: StrategyOf): Phase[] {
  const phases = new Map<string, Phase>();
  for (const definition of plan.roots) {
    const placement = strategyOf(definition.walk).placement;
    const [name, order] = plan.lookups.has(definition.name)
      ? [LOOKUP_PHASE, Number.NEGATIVE_INFINITY]
      : placement.at === "root"
        ? [placement.phase(definition), placement.order]
        : // A stream of a child walk declared without a parent is read under the workspace itself.
          ["workspace", 1];
    let phase = phases.get(name);
    if (phase === undefined) phases.set(name, (phase = { name, order, streams: [] }));
    phase.streams.push(definition);
  }
  return [...phases.values()].sort((a, b) => a.order - b.order);
}

/**
 * The lists the walk reads, each with its parent in the tree (plan.ts): what the time estimate counts (estimate.ts).
 * Streams without a list endpoint (derived, report results, the workspace object) make no list request.
 */
function listKinds(plan: WalkPlan): EstimatedKind[] {
  const kinds: EstimatedKind[] = [];
  const add = (definition: StreamDefinition, parent: string | undefined): void => {
    if (definition.path === null || definition.kind !== "list" || kinds.some((k) => k.name === definition.name)) return;
    kinds.push({ name: definition.name, parent });
    for (const child of plan.children.get(definition.name) ?? []) add(child, definition.name);
  };
  for (const root of plan.roots) add(root, undefined);
  return kinds;
}

export interface SyncSummary {
  readonly records: ReadonlyMap<string, number>;
  readonly http: HttpStats;
  readonly durationMs: number;
  readonly states: number;
  readonly unchanged: ReadonlyMap<string, number>;
  /** Parents left out on a first sync because they are older than start_date, by kind. */
  readonly olderThanStart: ReadonlyMap<string, number>;
  readonly deleted: ReadonlyMap<string, number>;
  /** Records flagged by their stream's declared problem field, by stream (StreamDefinition.problemField). */
  readonly problems: ReadonlyMap<string, number>;
}

/**
 * Counts the records whose declared problem field (StreamDefinition.problemField) is set, as they are prepared: a
 * record flagged there is emitted like any other, and the run summary says how many there were.
 */
function problemCounter(definitions: readonly StreamDefinition[]): {
  readonly counts: Map<string, number>;
  counting(prepare: RecordPreparer): RecordPreparer;
} {
  const fields = new Map(
    definitions.flatMap((d) => (d.problemField === undefined ? [] : [[d.name, d.problemField.field] as const])),
  );
  const counts = new Map<string, number>();
  return {
    counts,
    counting: (prepare) => (stream, raw, context) => {
      const record = prepare(stream, raw, context);
      const field = fields.get(stream);
      if (record !== null && field !== undefined && raw[field] !== null && raw[field] !== undefined)
        counts.set(stream, (counts.get(stream) ?? 0) + 1);
      return record;
    },
  };
}

/**
 * Runs one sync: SCHEMA for every selected stream, then the walk (plan.ts): the root streams in phases (lookups, the
 * partition lists, the workspace-level lists, report results; the streams of a phase concurrently under the client's
 * one rate limiter), each stream's strategy handing the items it reads to its children's strategies; then the final
 * STATE after the last RECORD (Singer CONFIG_AND_STATE.md; targets only forward a STATE that follows the last record,
 * docs/singer-notes.md §7.2). Run resources are closed at the end, after a failure or an interruption.
 */
export async function runSync(options: SyncOptions): Promise<SyncSummary> {
  const { config, client, sink, logger, clock, state } = options;
  const strategyOf = options.strategies ?? defaultStrategies;
  const started = clock.now();
  const startedAt = isoUtc(started);
  const syncId = state.tap_mode.sync_started_at ?? startedAt;
  const resuming = state.tap_mode.sync_started_at !== undefined;
  const problems = problemCounter(options.definitions);
  const output = new SyncOutput({
    sink,
    prepare: problems.counting(options.prepare),
    clock,
    logger,
    state,
    stateIntervalRecords: config.stateIntervalRecords,
    stateIntervalMs: config.stateIntervalSeconds * 1000,
  });
  const estimateOrder = options.definitions
    .filter((d) => d.progressEstimate !== undefined)
    .sort((a, b) => (a.progressEstimate ?? 0) - (b.progressEstimate ?? 0))
    .map((d) => d.name);
  const selected = new Map(options.streams.map((s) => [s.definition.name, s]));
  const fullTable = new Set(
    options.streams.filter((s) => s.replicationMethod === "FULL_TABLE").map((s) => s.definition.name),
  );
  const plan = planWalk(options.definitions, new Set(selected.keys()), strategyOf, fullTable);
  const progress = new Progress(logger, clock, output.counts, () => client.stats(), {
    estimateOrder,
    kinds: listKinds(plan),
    flushMetrics: () => client.metrics.flushSummary(logger),
  });
  const abort = new AbortController();
  const onOuterAbort = (): void => abort.abort(options.signal.reason);
  options.signal.addEventListener("abort", onOuterAbort, { once: true });
  const warned = new Set<string>();
  const deferred: Error[] = [];
  const resources = new RunResources();
  const ctx: SyncContext = {
    config,
    client,
    output,
    logger,
    clock,
    signal: abort.signal,
    selected,
    definitions: new Map(options.definitions.map((d) => [d.name, d])),
    plan,
    startedAt,
    syncId,
    progress,
    lookups: lookupStore(),
    resources,
    abort: (reason) => abort.abort(reason),
    warnOnce: (key, message) => {
      if (warned.has(key)) return;
      warned.add(key);
      logger.warn(message);
    },
    openChildren: async (parent) => {
      const walks: StreamWalk[] = [];
      for (const child of plan.children.get(parent.name) ?? [])
        walks.push(await strategyOf(child.walk).open(ctx, child));
      return walks;
    },
    failAfterSync: (error) => deferred.push(error),
  };
  if (resuming) logger.info(`resuming the sync started at ${syncId} from its last STATE`);
  // Every STATE of an unfinished sync names it, so a run resumed from one skips what it already delivered.
  await output.update((s) => {
    s.tap_mode.sync_started_at = syncId;
  });

  const selectedNames = options.streams.map((s) => s.definition.name);
  logger.info(
    `sync of workspace ${config.workspace}: ${selectedNames.length} streams selected (${selectedNames.join(", ")})`,
  );
  for (const stream of options.streams) {
    const bookmarkProperties =
      stream.replicationMethod === "INCREMENTAL" && stream.replicationKey ? [stream.replicationKey] : undefined;
    await output.schema(stream.definition.name, stream.schema, stream.definition.keyProperties, bookmarkProperties);
  }
  // Singer SDK behaviour (docs/singer-notes.md §3.8): with an incoming state, write it back at once so a target has a
  // valid one.
  if (Object.keys(state.bookmarks).length > 0) await output.checkpoint();

  const phases = phasesOf(plan, strategyOf);
  // A resumed run starts with the phase it was in (a stale pointer at an unknown phase is ignored,
  // docs/singer-notes.md §6).
  const resumeAt = phases.findIndex((p) => p.name === state.currently_syncing);
  if (resumeAt > 0) phases.unshift(...phases.splice(resumeAt, 1));
  const root: ParentNode = {
    parent: undefined,
    item: {},
    token: "",
    context: { workspace: config.workspace },
    unit: undefined,
    changedFor: () => true,
  };

  progress.start(config.progressIntervalSeconds * 1000);
  try {
    for (const phase of phases) {
      if (abort.signal.aborted) break;
      await output.update((s) => {
        s.currently_syncing = phase.name;
      });
      await runPhase(ctx, phase, root, strategyOf);
    }
    if (abort.signal.aborted) throw abort.signal.reason;
    await clearCompletionMarkers(ctx);
    await output.update((s) => {
      s.currently_syncing = null;
      delete s.tap_mode.sync_started_at;
    });
    await output.checkpoint();
    await sink.flush();
  } catch (error) {
    progress.stop();
    abort.abort(error);
    // Everything committed is covered by this STATE; units in flight were never written (output.ts). Written on a
    // failure too, so the next run resumes instead of starting over.
    await output.settled();
    try {
      await output.checkpoint();
      await sink.flush();
    } catch {
      // stdout itself failed (EPIPE): the original error says more.
    }
    await resources.closeAll().catch((closeError: unknown) => {
      logger.warn(
        `closing the run's resources failed: ${closeError instanceof Error ? closeError.message : String(closeError)}`,
      );
    });
    if (options.signal.aborted) {
      const reason: unknown = options.signal.reason;
      throw reason instanceof InterruptedError ? reason : new InterruptedError("SIGTERM");
    }
    throw error;
  } finally {
    progress.stop();
    options.signal.removeEventListener("abort", onOuterAbort);
  }
  await resources.closeAll();

  const summary: SyncSummary = {
    records: output.counts,
    http: client.stats(),
    durationMs: clock.now() - started,
    states: output.totalStates,
    unchanged: progress.unchangedCounts,
    olderThanStart: progress.olderThanStartCounts,
    deleted: progress.deletedCounts,
    problems: problems.counts,
  };
  client.metrics.flushSummary(logger);
  logSummary(logger, summary, ctx.definitions);
  // Failures deferred by a strategy (report results) end the run non-zero now, after the final STATE.
  if (deferred.length > 0) throw deferred[0];
  return summary;
}

/**
 * One phase: opens the walk of each of its streams, hands it the workspace (the root of the tree), then lets it
 * finish; the streams of a phase run concurrently and the first failure stops the phase once all have settled.
 */
async function runPhase(ctx: SyncContext, phase: Phase, root: ParentNode, strategyOf: StrategyOf): Promise<void> {
  // The first failure stops the phase's other streams at once (before the rate limiter hands its slot on), so a fatal
  // answer (bad credentials, unknown workspace) is not repeated by every stream of the phase; it is the one reported.
  let first: { error: unknown } | undefined;
  await Promise.allSettled(
    phase.streams.map(async (definition) => {
      try {
        const walk = await strategyOf(definition.walk).open(ctx, definition);
        await walk.visit(root);
        await walk.finish(null);
      } catch (error) {
        if (first === undefined) {
          first = { error };
          ctx.abort(error);
        }
      }
    }),
  );
  if (first !== undefined) throw first.error;
}

/** The end-of-run summary on stderr, plus `record_count` metrics per stream (Singer SYNC_MODE.md "Metric Messages"). */
export function logSummary(
  logger: Logger,
  summary: SyncSummary,
  definitions: ReadonlyMap<string, StreamDefinition> = new Map(),
): void {
  for (const [stream, count] of summary.records)
    logMetric(logger, { type: "counter", metric: "record_count", value: count, tags: { endpoint: stream } });
  const total = [...summary.records.values()].reduce((a, b) => a + b, 0);
  const { http } = summary;
  const unchanged = [...summary.unchanged.entries()].map(([k, v]) => `${v} ${k}`).join(", ");
  const older = [...summary.olderThanStart.entries()].map(([k, v]) => `${v} ${k}`).join(", ");
  const deleted = [...summary.deleted.entries()].map(([k, v]) => `${v} ${k}`).join(", ");
  logger.info(
    `sync finished in ${formatSeconds(summary.durationMs / 1000)}: ${total} records ` +
      `(${[...summary.records.entries()].map(([s, n]) => `${s} ${n}`).join(", ") || "none"}); ` +
      `${http.requests} requests, ${http.retries} retries, ${http.rateLimited} answered 429, ` +
      `${formatSeconds(http.rateLimitWaitMs / 1000)} queued on the rate limit, ` +
      `${(http.bytes / 1_048_576).toFixed(1)} MiB; ` +
      `${summary.states} STATE messages` +
      `${unchanged ? `; unchanged and skipped: ${unchanged}` : ""}` +
      `${older ? `; older than start_date: ${older}` : ""}` +
      `${deleted ? `; deleted: ${deleted}` : ""}`,
  );
  for (const [stream, count] of summary.problems) {
    const declared = definitions.get(stream)?.problemField;
    if (declared !== undefined) logger.warn(`${stream}: ${count} ${declared.summary} (see ${declared.field})`);
  }
}
