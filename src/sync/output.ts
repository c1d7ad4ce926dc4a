import type { Clock } from "../clock.js";
import { isoUtc } from "../clock.js";
import type { JsonObject } from "../json.js";
import type { Logger } from "../log.js";
import type { MessageSink } from "../singer/output.js";
import type { TapState } from "../state.js";
import type { StreamContext } from "../streams/types.js";

/** Turns a raw API item into the record to emit (normalised, validated, fields selected), or null to skip it. */
export type RecordPreparer = (
  stream: string,
  raw: Readonly<Record<string, unknown>>,
  context: StreamContext,
) => Record<string, unknown> | null;

/**
 * The records and bookmark changes of one unit of work (a report with its children, a page of a list). Nothing of a
 * unit reaches stdout until the whole unit is committed, so every STATE covers whole units only: a run resumed from any
 * STATE misses nothing and re-emits only units committed after it (docs/singer-notes.md §1.5 "The saved state must
 * never be invalid").
 */
export class Unit {
  readonly records: Array<{
    stream: string;
    record: Record<string, unknown>;
    timeExtracted: string;
    version: number | undefined;
  }> = [];
  /** ACTIVATE_VERSION messages written after the unit's records, before its bookmark updates (docs/deletions.md). */
  readonly activations: Array<{ stream: string; version: number }> = [];
  readonly stateUpdates: Array<(state: TapState) => void> = [];
  /** Child items listed into this unit (stream, token, the parent item's token): what a parent remembers. */
  readonly listed: Array<{ stream: string; token: string; parent: string }> = [];
  /** Child streams whose listing for some parent in this unit did not complete (tolerated error, skipped). */
  readonly incomplete = new Set<string>();

  constructor(
    private readonly prepare: RecordPreparer,
    private readonly extractedAt: () => string,
    private readonly versionOf: (stream: string) => number | undefined = () => undefined,
  ) {}

  add(stream: string, raw: Readonly<Record<string, unknown>>, context: StreamContext): void {
    const record = this.prepare(stream, raw, context);
    if (record !== null)
      this.records.push({ stream, record, timeExtracted: this.extractedAt(), version: this.versionOf(stream) });
  }

  /** Adds an already prepared record (deletion markers). */
  addPrepared(stream: string, record: Record<string, unknown>): void {
    this.records.push({ stream, record, timeExtracted: this.extractedAt(), version: this.versionOf(stream) });
  }

  /** Activates a complete read's version once this unit's records are written (src/sync/table-versions.ts). */
  activate(stream: string, version: number): void {
    this.activations.push({ stream, version });
  }

  onCommit(update: (state: TapState) => void): void {
    this.stateUpdates.push(update);
  }
}

export interface OutputOptions {
  readonly sink: MessageSink;
  readonly prepare: RecordPreparer;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly state: TapState;
  readonly stateIntervalRecords: number;
  readonly stateIntervalMs: number;
}

/**
 * The sync's single path to the sink: commits units one at a time (records, then their bookmark updates), counts
 * records per stream and writes a STATE every N records or T seconds, always between two commits.
 */
export class SyncOutput {
  readonly counts = new Map<string, number>();
  private chain: Promise<void> = Promise.resolve();
  private recordsSinceState = 0;
  private lastStateAt: number;
  private statesWritten = 0;
  private readonly versions = new Map<string, number>();
  private readonly versionOf = (stream: string): number | undefined => this.versions.get(stream);
  /** time_extracted of the last record: the ISO string is built once per millisecond, not once per record. */
  private stampMs = Number.NaN;
  private stamp = "";
  private readonly extractedAt = (): string => {
    const now = this.options.clock.now();
    if (now !== this.stampMs) {
      this.stampMs = now;
      this.stamp = isoUtc(now);
    }
    return this.stamp;
  };

  constructor(private readonly options: OutputOptions) {
    this.lastStateAt = options.clock.now();
  }

  get state(): TapState {
    return this.options.state;
  }

  get totalStates(): number {
    return this.statesWritten;
  }

  unit(): Unit {
    return new Unit(this.options.prepare, this.extractedAt, this.versionOf);
  }

  /**
   * The version of a stream's read in progress: its records carry it from now on (table-versions.ts). A stream is
   * read at most once per sync, so one version per stream and run.
   */
  setVersion(stream: string, version: number): void {
    this.versions.set(stream, version);
  }

  schema(
    stream: string,
    schema: JsonObject,
    keyProperties: readonly string[],
    bookmarkProperties?: readonly string[],
  ): Promise<void> {
    return this.serialize(() => this.options.sink.schema(stream, schema, keyProperties, bookmarkProperties));
  }

  /**
   * Writes the unit's records in order, then its ACTIVATE_VERSION messages, then applies its bookmark updates; STATE
   * follows when an interval is due.
   */
  commit(unit: Unit): Promise<void> {
    return this.serialize(async () => {
      const { sink } = this.options;
      for (const { stream, record, timeExtracted, version } of unit.records) {
        await sink.record(stream, record, timeExtracted, version);
        this.counts.set(stream, (this.counts.get(stream) ?? 0) + 1);
      }
      for (const { stream, version } of unit.activations) await sink.activateVersion(stream, version);
      for (const update of unit.stateUpdates) update(this.options.state);
      this.recordsSinceState += unit.records.length;
      const now = this.options.clock.now();
      if (
        this.recordsSinceState >= this.options.stateIntervalRecords ||
        now - this.lastStateAt >= this.options.stateIntervalMs
      ) {
        await this.writeState();
      }
    });
  }

  /** Applies a bookmark change with no records (e.g. a stream completed) in commit order. */
  update(change: (state: TapState) => void): Promise<void> {
    return this.serialize(() => {
      change(this.options.state);
      return Promise.resolve();
    });
  }

  /** Writes the current state now, in commit order. */
  checkpoint(): Promise<void> {
    return this.serialize(() => this.writeState());
  }

  /** Waits for every queued commit. */
  settled(): Promise<void> {
    return this.chain;
  }

  private async writeState(): Promise<void> {
    await this.options.sink.state(this.options.state as unknown as JsonObject);
    this.statesWritten++;
    this.recordsSinceState = 0;
    this.lastStateAt = this.options.clock.now();
  }

  private serialize(step: () => Promise<void>): Promise<void> {
    const next = this.chain.then(step);
    // A failed step must not wedge later ones; the failure still reaches the caller awaiting `next`.
    this.chain = next.catch(() => undefined);
    return next;
  }
}
