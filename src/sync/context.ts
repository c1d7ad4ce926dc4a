import type { Clock } from "../clock.js";
import type { Config } from "../config.js";
import type { ModeClient } from "../http/client.js";
import type { JsonObject } from "../json.js";
import type { Logger } from "../log.js";
import type { Lookups, StreamContext, StreamDefinition, ReplicationMethod, WalkKind } from "../streams/types.js";
import type { ListProgress } from "./estimate.js";
import type { TaskPool } from "./task-pool.js";
import type { SyncOutput, Unit } from "./output.js";
import type { RunResources } from "./resources.js";

/** What one sync reads, planned once from the definitions, the strategies and the selection. */
export interface WalkPlan {
  /** Per stream, the children the walk reads under each of its items (those needed), in registry order. */
  readonly children: ReadonlyMap<string, readonly StreamDefinition[]>;
  /** Streams read at the top of the walk (a root strategy, or no parent), needed ones only, in registry order. */
  readonly roots: readonly StreamDefinition[];
  /** Streams whose records derived streams look up: read first, and kept for the run. */
  readonly lookups: ReadonlySet<string>;
  /** Whether a stream is read at all (selected, or an ancestor or lookup of one). */
  isNeeded(stream: string): boolean;
  /** Descendants read exactly when `stream`'s items change (followsParentVersion), recursively. */
  versionFollowers(stream: string): readonly string[];
  /** Whether a read of `stream` covers all its rows, so it is versioned (Strategy.fullReads, table-versions.ts). */
  readsInFull(stream: string): boolean;
}

/** What the sync knows of one selected stream. */
export interface StreamPlan {
  readonly definition: StreamDefinition;
  readonly replicationMethod: ReplicationMethod;
  readonly replicationKey?: string;
}

/** Everything a strategy needs, built once per run and passed down (docs/house-style.md §8: no singletons). */
export interface SyncContext {
  readonly config: Config;
  readonly client: ModeClient;
  readonly output: SyncOutput;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** Selected streams by name: these emit records. */
  readonly selected: ReadonlyMap<string, StreamPlan>;
  /** Every stream definition by name (selected or not: unselected parents are walked, not emitted). */
  readonly definitions: ReadonlyMap<string, StreamDefinition>;
  /** What the walk reads, planned once per sync (plan.ts). */
  readonly plan: WalkPlan;
  /** The sync's signpost: bookmarks never move past it (docs/singer-notes.md §1.5 "Signpost state keeping"). */
  readonly startedAt: string;
  /** Identifies this sync (or the interrupted one it resumes) in the "completed in this sync" markers. */
  readonly syncId: string;
  readonly progress: ProgressTracker;
  /** Records of the lookup streams, filled before the walk (derived streams read them). */
  readonly lookups: LookupStore;
  /** Resources that live for the run (a second API's session...), opened on first use and closed by the engine. */
  readonly resources: RunResources;
  /** Stops every request in flight (a fatal error elsewhere, or a signal). */
  abort(reason: unknown): void;
  /** Warns once per key (schema drift, tolerated 403s, ...). */
  warnOnce(key: string, message: string): void;
  /** Opens the walks of the children the plan reads under `parent`, in registry order. */
  openChildren(parent: StreamDefinition): Promise<readonly StreamWalk[]>;
  /**
   * A failure that ends the run non-zero once the sync has finished and written its final STATE (a report whose
   * results failed): the rest of the sync goes on and the STATE covers everything that succeeded.
   */
  failAfterSync(error: Error): void;
}

/** Lookups plus what fills them. */
export interface LookupStore extends Lookups {
  add(stream: string, record: Readonly<Record<string, unknown>>): void;
}

/**
 * What the walk tells the progress reporter (progress.ts): counts of parents by kind for the line and the summary,
 * and what the time estimate is built from (estimate.ts): the lists read, and the items whose children are not read.
 */
export interface ProgressTracker {
  /** Adds to the known total of parents of a kind (from Mode's pagination.total_count), for the progress line. */
  addExpected(kind: string, count: number): void;
  /** Counts one parent of a kind done (its children read). */
  done(kind: string): void;
  /** Counts a deleted parent. */
  deleted(kind: string, count: number): void;
  /** Counts a parent skipped because it had not changed (its children are not read). */
  unchanged(kind: string): void;
  /** Counts a parent left out because it is older than start_date on its first sync (its children are not read). */
  olderThanStart(kind: string): void;
  /** A list of `kind` begins (every list read goes through lists.ts `listPages`, which reports its pages). */
  openList(kind: string): ListProgress;
  /** `count` items of `kind` were listed whose children are not read (runs older than the bookmark). */
  notRead(kind: string, count: number): void;
  /** The list of `kind` under one parent item is not read at all (a report whose runs need no listing). */
  listSkipped(kind: string): void;
}

/**
 * One item of a parent stream, handed to the walks of its children. At the top of the walk the parent is the
 * workspace itself (`parent` undefined, `context` holds only the workspace).
 */
export interface ParentNode {
  readonly parent: StreamDefinition | undefined;
  /** The parent item as Mode sent it ({} at the top). */
  readonly item: Readonly<Record<string, unknown>>;
  /** The parent item's token ("" at the top or when it has none). */
  readonly token: string;
  /** Context for the children: the parent's context plus its `childContext(item)`. */
  readonly context: StreamContext;
  /** The parent's unit: the children's records join it. Undefined: each child commits units of its own. */
  readonly unit: Unit | undefined;
  /**
   * Whether `child` must be read again for this item: the parent changed since its children were last read (a
   * report's version moved, a run is new), or the child is read in full every sync. Walks that keep a bookmark per
   * parent (run-partitioned) decide for themselves.
   */
  readonly changedFor: (child: StreamDefinition) => boolean;
  /** A pool the children may run per-item work in (reports of a space), when the parent walks items concurrently. */
  readonly pool?: TaskPool;
}

/** One stream's part of one sync, opened by its parent's walk (or the engine at the top). */
export interface StreamWalk {
  readonly definition: StreamDefinition;
  /** Reads the stream for one parent item. */
  visit(node: ParentNode): Promise<void>;
  /**
   * After the parent's list: `listedParents` holds every parent token listed when the parent list was read to its
   * end (deletions may be reported), null otherwise. `unit`: the parent's unit that holds every item's children, not
   * yet committed; a child ending a versioned read there activates it in that unit (table-versions.ts).
   */
  finish(listedParents: ReadonlySet<string> | null, unit?: Unit): Promise<void>;
  /** Called inside the commit of a deleted parent: drop what the bookmark keeps for it. */
  forgetParent?(state: { bookmarks: Record<string, JsonObject> }, parentToken: string): void;
}

/** Where a strategy's streams run: under their parent, or as a phase of the top of the walk. */
export type Placement =
  | { readonly at: "child" }
  | {
      readonly at: "root";
      /**
       * The phase's name (`currently_syncing` while it runs, so a resumed run starts there); the streams of one
       * phase run concurrently.
       */
      readonly phase: (definition: StreamDefinition) => string;
      /** Phases run in increasing order. */
      readonly order: number;
    };

/**
 * A walk strategy: how streams of one `walk` kind are read and what their bookmark is. `B` is the typed bookmark,
 * checked when the state is loaded; a strategy writes it only inside `unit.onCommit` or `output.update`.
 */
export interface Strategy<B = unknown> {
  readonly kind: WalkKind;
  readonly placement: Placement;
  /**
   * The stream is read again exactly when its parent changed (with-parent, derived): it belongs to the parent's
   * version, so selecting it or not changes what a versioned parent's bookmark covers.
   */
  readonly followsParentVersion: boolean;
  /**
   * Whether a read of the stream covers every row it has, so it is versioned and activated when complete
   * (src/sync/table-versions.ts, planned in plan.ts): `"always"` (workspace-level lists, read whole with their
   * children for every item), `"when-full-table"` (a list read whole every sync whose records are all emitted only
   * when the catalog says FULL_TABLE, and whose children are read for every item only when FULL_TABLE), or
   * `"when-parent-is"` (a list read for each item of its parent: full when every parent item is read with it); absent:
   * never.
   */
  readonly fullReads?: "always" | "when-full-table" | "when-parent-is";
  /** The bookmarks of this stream's descendants are this strategy's too (run partitions are kept per consumer). */
  readonly ownsDescendantBookmarks?: boolean;
  /** Reads and checks a bookmark (`field` names it, e.g. `bookmarks.runs`); throws StateError. Never writes. */
  parseBookmark(raw: JsonObject, field: string): B;
  open(ctx: SyncContext, definition: StreamDefinition): Promise<StreamWalk>;
}
