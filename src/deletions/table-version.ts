/**
 * Table versions of FULL_TABLE reads and the rules for ACTIVATE_VERSION (docs/deletions.md "FULL_TABLE streams").
 * Pure: the sync engine stores a stream's `VersionBookmark` in its state, tags the read's RECORDs with `version` and
 * sends ACTIVATE_VERSION when `finishRead` says so.
 *
 * A version is the read's start in whole seconds since the Unix epoch, as the Meltano SDK's taps write it
 * (`initialized_at // 1000`); singer-io's database taps use milliseconds. Seconds are chosen because SDK SQL targets
 * store `_sdc_table_version` in an INTEGER column, 32 bits in several databases, which milliseconds overflow. Targets
 * only compare versions, so the unit is otherwise free. Versions of one stream strictly increase, also when two reads
 * start in the same second or the clock steps back.
 */

/** Milliseconds per version unit (seconds). */
export const VERSION_UNIT_MS = 1000;

/** What the state remembers of a stream's versioned reads. */
export interface VersionBookmark {
  /** The version of the latest read begun. */
  readonly version: number;
  /** True from the start of that read until it completed (an interrupted read leaves it true). */
  readonly inProgress: boolean;
}

export class TableVersionError extends Error {}

/** The version of a read starting at `nowMs`: the current second, or one more than the previous version if later. */
export function nextTableVersion(nowMs: number, previous?: number): number {
  const now = Math.floor(nowMs / VERSION_UNIT_MS);
  return previous === undefined ? now : Math.max(now, previous + 1);
}

/**
 * How a read begins.
 * - `restart`: the read starts from the beginning (what tap-mode does with a FULL_TABLE stream a STATE does not mark
 *   completed): always a new version, greater than any before, so the rows an interrupted read delivered are older
 *   than the new version and the new read's activation replaces them.
 * - `resume`: the read continues after the units an interrupted run already delivered (it does not emit them again):
 *   it keeps the interrupted read's version, so the rows delivered before the interruption belong to the version that
 *   is activated at the end (singer-io's database taps keep the version in their bookmark the same way).
 */
export type ReadStart = "restart" | "resume";

export function beginRead(previous: VersionBookmark | undefined, nowMs: number, start: ReadStart): VersionBookmark {
  if (start === "resume" && previous?.inProgress) return previous;
  return { version: nextTableVersion(nowMs, previous?.version), inProgress: true };
}

/**
 * How a read ended: `complete` when every record of the stream was emitted (all pages, all parents); `interrupted`
 * for a signal, a failure, a forbidden or skipped listing, or a partial read of any kind.
 */
export type ReadOutcome = "complete" | "interrupted";

export interface ReadEnd {
  /** Send ACTIVATE_VERSION(bookmark.version) now: after the read's last record, before the STATE that covers it. */
  readonly activate: boolean;
  readonly bookmark: VersionBookmark;
}

/**
 * ACTIVATE_VERSION only after the last record of a complete read (an empty complete read activates too: the target
 * then deletes every row, which is what Mode shows). Never after an interrupted read: its version stays in progress,
 * never activated by a `restart`, and activated by a `resume` only once that resumed read completes.
 */
export function finishRead(read: VersionBookmark, outcome: ReadOutcome): ReadEnd {
  if (outcome === "complete") return { activate: true, bookmark: { version: read.version, inProgress: false } };
  return { activate: false, bookmark: read };
}

/**
 * No ACTIVATE_VERSION before the first-ever read (singer-io's database taps send one so an empty table appears at
 * once): a target that already holds rows (a state lost or reset) would mark them all deleted until the read completed,
 * and for good if it did not. The table appears with the first read's records and its activation.
 */
export const ACTIVATE_BEFORE_FIRST_READ = false;

/** The state encoding of a bookmark: `{"version": n}`, plus `"in_progress": true` while a read is unfinished. */
export function encodeVersionBookmark(bookmark: VersionBookmark): { version: number; in_progress?: true } {
  return bookmark.inProgress ? { version: bookmark.version, in_progress: true } : { version: bookmark.version };
}

/** Reads a bookmark back; `field` names where it was found. A malformed value is one TableVersionError naming it. */
export function decodeVersionBookmark(value: unknown, field: string): VersionBookmark {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new TableVersionError(`state field ${field} must be an object with a "version"`);
  const { version, in_progress: inProgress } = value as Record<string, unknown>;
  if (typeof version !== "number" || !Number.isSafeInteger(version) || version < 0)
    throw new TableVersionError(`state field ${field}.version must be a non-negative integer`);
  if (inProgress !== undefined && typeof inProgress !== "boolean")
    throw new TableVersionError(`state field ${field}.in_progress must be a boolean`);
  return { version, inProgress: inProgress === true };
}

/** A Singer message as the ordering check reads it. */
export interface VersionedMessage {
  readonly type: string;
  readonly stream?: string;
  readonly version?: number;
}

/**
 * Checks an output's ACTIVATE_VERSION ordering, for tests of the engine: per stream, versions of RECORDs never go
 * down, no RECORD of a version follows its activation, a version is activated at most once, and only a version whose
 * records (if any) came before it and which is newer than any activated before. Returns the violations, one per line.
 */
export function activationViolations(messages: readonly VersionedMessage[]): string[] {
  const problems: string[] = [];
  const current = new Map<string, number>();
  const activated = new Map<string, number>();
  messages.forEach((m, index) => {
    const at = `message ${index + 1}`;
    if (m.stream === undefined || m.version === undefined) return;
    const last = activated.get(m.stream);
    if (m.type === "RECORD") {
      const seen = current.get(m.stream);
      if (seen !== undefined && m.version < seen)
        problems.push(`${at}: ${m.stream} RECORD of older version ${m.version}`);
      if (last !== undefined && m.version <= last)
        problems.push(`${at}: ${m.stream} RECORD of version ${m.version} after its activation`);
      current.set(m.stream, Math.max(seen ?? m.version, m.version));
    } else if (m.type === "ACTIVATE_VERSION") {
      if (last !== undefined && m.version <= last)
        problems.push(`${at}: ${m.stream} version ${m.version} activated after version ${last}`);
      const seen = current.get(m.stream);
      if (seen !== undefined && seen > m.version)
        problems.push(`${at}: ${m.stream} activates ${m.version} after records of newer version ${seen}`);
      activated.set(m.stream, m.version);
    }
  });
  return problems;
}
