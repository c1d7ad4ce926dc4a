import type { JsonObject } from "../json.js";
import { beginRead, finishRead, type ReadStart, type VersionBookmark } from "../deletions/table-version.js";
import type { StreamDefinition } from "../streams/types.js";
import { bad } from "./bookmark-fields.js";
import { parseCompletion, type CompletionMarkers } from "./completion.js";
import type { SyncContext } from "./context.js";
import type { Unit } from "./output.js";

/**
 * The versioned reads of FULL_TABLE streams (docs/deletions.md "FULL_TABLE streams"), for any strategy whose reads
 * cover every row of a stream (`Strategy.fullReads`, planned in `WalkPlan.readsInFull`): a version per read, on every
 * RECORD of it, and ACTIVATE_VERSION in the unit that ends a complete read, after its last record and before the STATE
 * covering it. The rules themselves are src/deletions/table-version.ts.
 */

/**
 * What a versioned stream's bookmark holds besides its strategy's own fields: `{"version": n, "in_progress": true}`.
 */
export interface TableVersionFields {
  readonly version?: number;
  readonly in_progress?: boolean;
}

/** Checks the version fields of a bookmark (any strategy with full reads calls it from its `parseBookmark`). */
export function parseTableVersion(raw: JsonObject, field: string): TableVersionFields {
  const { version, in_progress: inProgress } = raw;
  if (version === undefined) {
    if (inProgress !== undefined) bad(`${field}.in_progress`, 'set only with a "version"');
    return {};
  }
  if (typeof version !== "number" || !Number.isSafeInteger(version) || version < 0)
    bad(`${field}.version`, "a non-negative integer");
  if (inProgress !== undefined && typeof inProgress !== "boolean") bad(`${field}.in_progress`, "a boolean");
  return inProgress === true ? { version, in_progress: true } : { version };
}

/** The bookmark of a stream read in full: the resume markers of an unfinished sync and the table version. */
export function parseFullReadBookmark(raw: JsonObject, field: string): CompletionMarkers & TableVersionFields {
  return { ...parseCompletion(raw, field), ...parseTableVersion(raw, field) };
}

/**
 * One versioned read of a stream in this sync. `fail()` whenever part of it did not complete (a listing tolerated as
 * forbidden or missing, a parent skipped); `end(unit)` then activates nothing. A read interrupted by a signal or a
 * fatal error never reaches `end`.
 */
export class TableRead {
  private failed = false;

  private constructor(
    private readonly ctx: SyncContext,
    readonly stream: string,
    private readonly bookmark: VersionBookmark,
  ) {}

  /**
   * Starts the read of `definition` when it is versioned (selected, its strategy reads it in full and the setting is
   * on), else undefined. `start` is `resume` when the read skips units the interrupted sync already delivered. The
   * in-progress version is committed before any record of the read.
   */
  static async begin(ctx: SyncContext, definition: StreamDefinition, start: ReadStart): Promise<TableRead | undefined> {
    const stream = definition.name;
    if (!ctx.config.emitActivateVersionMessages || !ctx.selected.has(stream) || !ctx.plan.readsInFull(stream))
      return undefined;
    const previous = ctx.output.state.bookmarks[stream] as TableVersionFields | undefined;
    const before =
      previous?.version === undefined
        ? undefined
        : { version: previous.version, inProgress: previous.in_progress === true };
    const bookmark = beginRead(before, ctx.clock.now(), start);
    await ctx.output.update((state) => writeVersion(state.bookmarks, stream, bookmark));
    ctx.output.setVersion(stream, bookmark.version);
    return new TableRead(ctx, stream, bookmark);
  }

  /** Part of the read did not complete: its version is not activated. */
  fail(): void {
    this.failed = true;
  }

  /** Ends the read inside `unit` (committed after the read's last record): activates a complete read's version. */
  end(unit: Unit): void {
    const { activate, bookmark } = finishRead(this.bookmark, this.failed ? "interrupted" : "complete");
    if (!activate) return;
    unit.activate(this.stream, bookmark.version);
    unit.onCommit((state) => writeVersion(state.bookmarks, this.stream, bookmark));
  }
}

/** `resume` when the interrupted sync this one resumes already delivered part of the stream (per-parent markers). */
export function readStart(ctx: SyncContext, stream: string): ReadStart {
  const parents = (ctx.output.state.bookmarks[stream] as { completed_parents?: Record<string, string> } | undefined)
    ?.completed_parents;
  return Object.values(parents ?? {}).includes(ctx.syncId) ? "resume" : "restart";
}

function writeVersion(bookmarks: Record<string, JsonObject>, stream: string, bookmark: VersionBookmark): void {
  const raw = (bookmarks[stream] ??= {});
  raw.version = bookmark.version;
  if (bookmark.inProgress) raw.in_progress = true;
  else delete raw.in_progress;
}
