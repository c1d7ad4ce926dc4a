import { isoUtc, type Clock } from "../clock.js";
import type { Config } from "../config.js";
import { InterruptedError } from "../errors.js";
import type { HttpStats, ModeClient } from "../http/client.js";
import type { JsonObject } from "../json.js";
import { logMetric, type Logger } from "../log.js";
import type { MessageSink } from "../singer/output.js";
import type { TapState } from "../state.js";
import type { StreamDefinition } from "../streams/types.js";
import { planWalk, type StreamPlan, type SyncContext } from "./context.js";
import { clearFullTableMarkers } from "./full-table.js";
import { SyncOutput, type RecordPreparer } from "./output.js";
import { Progress, formatSeconds } from "./progress.js";
import { walkSpaces } from "./spaces-walk.js";
import { syncWorkspaceLists } from "./workspace-lists.js";

/** A selected stream with the schema its SCHEMA message carries (fields not selected already removed). */
export interface PlannedStream extends StreamPlan {
  readonly schema: JsonObject;
}

/** Phases of the walk, in order; `currently_syncing` names the phase's first stream so a resumed run starts there. */
type Phase = { name: string; run: (ctx: SyncContext) => Promise<void> };

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
  /** Extra phases after the walk (report results). */
  readonly extraPhases?: readonly Phase[];
}

export interface SyncSummary {
  readonly records: ReadonlyMap<string, number>;
  readonly http: HttpStats;
  readonly durationMs: number;
  readonly states: number;
  readonly unchanged: ReadonlyMap<string, number>;
  readonly deleted: ReadonlyMap<string, number>;
}

/**
 * Runs one sync: SCHEMA for every selected stream, the workspace-level lists and the spaces walk (concurrently, under
 * the client's one rate limiter), extra phases, deletions, then the final STATE after the last RECORD (Singer
 * CONFIG_AND_STATE.md; targets only forward a STATE that follows the last record, singer.md §7.2).
 */
export async function runSync(options: SyncOptions): Promise<SyncSummary> {
  const { config, client, sink, logger, clock, state } = options;
  const started = clock.now();
  const startedAt = isoUtc(started);
  const syncId = state.tap_mode.sync_started_at ?? startedAt;
  const resuming = state.tap_mode.sync_started_at !== undefined;
  state.tap_mode.sync_started_at = syncId;
  const output = new SyncOutput({
    sink,
    prepare: options.prepare,
    clock,
    logger,
    state,
    stateIntervalRecords: config.stateIntervalRecords,
    stateIntervalMs: config.stateIntervalSeconds * 1000,
  });
  const progress = new Progress(
    logger,
    clock,
    output.counts,
    () => client.stats(),
    () => client.metrics.flushSummary(logger),
  );
  const abort = new AbortController();
  const onOuterAbort = (): void => abort.abort(options.signal.reason);
  options.signal.addEventListener("abort", onOuterAbort, { once: true });
  const warned = new Set<string>();
  const ctx: SyncContext = {
    config,
    client,
    output,
    logger,
    clock,
    signal: abort.signal,
    selected: new Map(options.streams.map((s) => [s.definition.name, s])),
    definitions: new Map(options.definitions.map((d) => [d.name, d])),
    walk: planWalk(options.definitions, new Set(options.streams.map((s) => s.definition.name))),
    startedAt,
    syncId,
    progress,
    abort: (reason) => abort.abort(reason),
    warnOnce: (key, message) => {
      if (warned.has(key)) return;
      warned.add(key);
      logger.warn(message);
    },
  };
  if (resuming) logger.info(`resuming the sync started at ${syncId} from its last STATE`);

  const selectedNames = options.streams.map((s) => s.definition.name);
  logger.info(
    `sync of workspace ${config.workspace}: ${selectedNames.length} streams selected (${selectedNames.join(", ")})`,
  );
  for (const stream of options.streams) {
    const bookmarkProperties =
      stream.replicationMethod === "INCREMENTAL" && stream.replicationKey ? [stream.replicationKey] : undefined;
    await output.schema(stream.definition.name, stream.schema, stream.definition.keyProperties, bookmarkProperties);
  }
  // Singer SDK behaviour (singer.md §3.8): with an incoming state, write it back at once so a target has a valid one.
  if (Object.keys(state.bookmarks).length > 0) await output.checkpoint();

  const phases: Phase[] = [
    { name: "spaces", run: walkSpaces },
    { name: "workspace", run: syncWorkspaceLists },
    ...(options.extraPhases ?? []),
  ];
  // A resumed run starts with the phase it was in (a stale pointer at an unknown phase is ignored, singer.md §6).
  const resumeAt = phases.findIndex((p) => p.name === state.currently_syncing);
  if (resumeAt > 0) phases.unshift(...phases.splice(resumeAt, 1));

  progress.start(config.progressIntervalSeconds * 1000);
  try {
    for (const phase of phases) {
      if (abort.signal.aborted) break;
      await output.update((s) => {
        s.currently_syncing = phase.name;
      });
      await phase.run(ctx);
    }
    if (abort.signal.aborted) throw abort.signal.reason;
    await clearFullTableMarkers(ctx);
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
    if (options.signal.aborted) {
      const reason: unknown = options.signal.reason;
      throw reason instanceof InterruptedError ? reason : new InterruptedError("SIGTERM");
    }
    throw error;
  } finally {
    progress.stop();
    options.signal.removeEventListener("abort", onOuterAbort);
  }

  const summary: SyncSummary = {
    records: output.counts,
    http: client.stats(),
    durationMs: clock.now() - started,
    states: output.totalStates,
    unchanged: progress.unchangedCounts,
    deleted: progress.deletedCounts,
  };
  client.metrics.flushSummary(logger);
  logSummary(logger, summary);
  return summary;
}

/** The end-of-run summary on stderr, plus `record_count` metrics per stream (Singer SYNC_MODE.md "Metric Messages"). */
export function logSummary(logger: Logger, summary: SyncSummary): void {
  for (const [stream, count] of summary.records)
    logMetric(logger, { type: "counter", metric: "record_count", value: count, tags: { endpoint: stream } });
  const total = [...summary.records.values()].reduce((a, b) => a + b, 0);
  const { http } = summary;
  const unchanged = [...summary.unchanged.entries()].map(([k, v]) => `${v} ${k}`).join(", ");
  const deleted = [...summary.deleted.entries()].map(([k, v]) => `${v} ${k}`).join(", ");
  logger.info(
    `sync finished in ${formatSeconds(summary.durationMs / 1000)}: ${total} records (${[...summary.records.entries()].map(([s, n]) => `${s} ${n}`).join(", ") || "none"}); ` +
      `${http.requests} requests, ${http.retries} retries, ${http.rateLimited} answered 429, ${formatSeconds(http.rateLimitWaitMs / 1000)} queued on the rate limit, ${(http.bytes / 1_048_576).toFixed(1)} MiB; ` +
      `${summary.states} STATE messages${unchanged ? `; unchanged and skipped: ${unchanged}` : ""}${deleted ? `; deleted: ${deleted}` : ""}`,
  );
}
