import {
  childDeletions,
  ChildMemoryError,
  decodeChildMemory,
  deletionRecord,
  encodeChildMemory,
  rememberChildren,
  type ChildMemory,
  type RememberedChild,
} from "../../deletions/child-memory.js";
import { isJsonObject, type JsonObject } from "../../json.js";
import { StateError, type TapState } from "../../state.js";
import { tokenOf } from "../../streams/tokens.js";
import type { StreamContext, StreamDefinition } from "../../streams/types.js";
import { bad, optionalString, optionalTimestamp, optionalObject } from "../bookmark-fields.js";
import { parseCompletion, type CompletionMarkers } from "../completion.js";
import type { ParentNode, Strategy, StreamWalk, SyncContext } from "../context.js";
import { listPages, timestampOf, tolerating } from "../lists.js";
import type { Unit } from "../output.js";
import { parseTableVersion, TableRead } from "../table-versions.js";
import { childNode } from "./nodes.js";

/** Bookmark of a versioned parent stream (reports, datasets): which version of each parent has been fully synced. */
export interface VersionedBookmark extends CompletionMarkers {
  readonly replication_key?: string;
  /**
   * Highest updated_at among fully synced parents, capped at the sync start (the signpost, docs/singer-notes.md §1.5).
   */
  readonly replication_key_value?: string | null;
  /** parent-list partition (space) token -> parent token -> updated_at of the version whose children were synced. */
  readonly versions?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The child streams synced with these versions; a change of selection re-syncs every parent once. */
  readonly children?: readonly string[];
  /** Set on a state migrated from a Meltano-SDK tap: a watermark without versions (src/state.ts). */
  readonly migrated_from?: string;
  /**
   * Parent token -> the tokens of its children seen when they were last read (src/deletions/child-memory.ts
   * encoding), so a child no longer listed is emitted once with `_sdc_deleted_at` (docs/deletions.md).
   */
  readonly child_tokens?: Readonly<Record<string, JsonObject>>;
}

export function parseVersionedBookmark(raw: JsonObject, field: string): VersionedBookmark {
  parseCompletion(raw, field);
  optionalString(raw, "replication_key", field);
  optionalTimestamp(raw, "replication_key_value", field);
  optionalString(raw, "migrated_from", field);
  const versions = optionalObject(raw, "versions", field);
  for (const [space, tokens] of Object.entries(versions ?? {})) {
    if (!isJsonObject(tokens)) bad(`${field}.versions.${space}`, "an object");
    for (const [token, version] of Object.entries(tokens))
      if (typeof version !== "string") bad(`${field}.versions.${space}.${token}`, "a string");
  }
  const children = raw.children;
  if (children !== undefined && (!Array.isArray(children) || !children.every((c) => typeof c === "string")))
    bad(`${field}.children`, "an array of stream names");
  for (const [token, memory] of Object.entries(optionalObject(raw, "child_tokens", field) ?? {})) {
    try {
      decodeChildMemory(memory, `${field}.child_tokens.${token}`);
    } catch (error) {
      if (error instanceof ChildMemoryError) throw new StateError(error.message);
      throw error;
    }
  }
  return raw as VersionedBookmark;
}

const NO_VERSIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = Object.freeze({});

/** The bookmark as it stands (checked when the state was loaded); reading never creates it. */
function readBookmark(state: TapState, stream: string): VersionedBookmark {
  return (state.bookmarks[stream] ?? {}) as VersionedBookmark;
}

/** The bookmark with its defaults filled in, as a commit changes it. */
interface Writable {
  replication_key: string;
  replication_key_value: string | null;
  versions: Record<string, Record<string, string>>;
  children: string[];
  migrated_from?: string;
  child_tokens?: Record<string, JsonObject>;
}

/** The bookmark to change, with its defaults filled in: only inside a commit (unit.onCommit, output.update). */
function writableBookmark(state: TapState, stream: string): Writable {
  const raw = (state.bookmarks[stream] ??= {});
  if (!isJsonObject(raw.versions)) raw.versions = {};
  if (!Array.isArray(raw.children)) raw.children = [];
  raw.replication_key ??= "updated_at";
  raw.replication_key_value ??= null;
  return raw as unknown as Writable;
}

/**
 * `versioned-parent`: a list read in full every sync under each item of its parent (cheap: reports come 30 a page),
 * whose items' children (queries, charts, filters, ...) are read again only when the item's `updated_at` differs from
 * the version recorded when they were last synced. Children keeping a bookmark of their own (runs) decide for
 * themselves. Each item is a unit with its children; items are synced in the parent's pool. An item recorded in the
 * bookmark but no longer listed under a parent that was listed completely is reported deleted.
 */
export const versionedParent: Strategy<VersionedBookmark> = {
  kind: "versioned-parent",
  placement: { at: "child" },
  followsParentVersion: false,
  fullReads: "when-full-table",
  parseBookmark: (raw, field) => ({ ...parseVersionedBookmark(raw, field), ...parseTableVersion(raw, field) }),
  async open(ctx, definition) {
    const walk = new VersionedWalk(ctx, definition, await ctx.openChildren(definition));
    await walk.start();
    return walk;
  },
};

class VersionedWalk implements StreamWalk {
  private readonly seen = new Set<string>();
  private readonly listedUnder = new Set<string>();
  /** Parent token -> the partition (space) it was recorded or listed under. */
  private readonly partitionOf = new Map<string, string>();
  private readonly signature: string[];
  /** Children read for every item, changed or not: FULL_TABLE was asked for them or a descendant. */
  private readonly fullTableChildren: ReadonlySet<string>;
  /** Whether the recorded versions cover another selection of children: then every item is synced again once. */
  private readonly reset: boolean;
  /** Selected child streams read with each item's version, whose tokens are remembered to detect deletions. */
  private readonly remembered: ReadonlySet<string>;
  /** The versioned read of a FULL_TABLE stream (table-versions.ts); undefined otherwise. */
  private read: TableRead | undefined;
  /** Whether some parent's listing did not complete (tolerated): then no activation, children's neither. */
  private failed = false;

  constructor(
    private readonly ctx: SyncContext,
    readonly definition: StreamDefinition,
    private readonly children: readonly StreamWalk[],
  ) {
    const followers = ctx.plan.versionFollowers(definition.name);
    this.signature = [definition.name, ...followers].filter((s) => ctx.selected.has(s)).sort();
    this.remembered = new Set(followers.filter((s) => ctx.selected.has(s)));
    this.fullTableChildren = new Set(
      children
        .map((child) => child.definition.name)
        .filter((child) =>
          [child, ...ctx.plan.versionFollowers(child)].some(
            (s) => ctx.selected.get(s)?.replicationMethod === "FULL_TABLE",
          ),
        ),
    );
    const bookmark = readBookmark(ctx.output.state, definition.name);
    const recordedChildren = bookmark.children ?? [];
    this.reset = recordedChildren.join(",") !== this.signature.join(",");
    if (this.reset) {
      if (Object.keys(bookmark.versions ?? {}).length > 0) {
        ctx.logger.info(
          `${definition.name}: the selected child streams changed (${recordedChildren.join(", ") || "none"} -> ` +
            `${this.signature.join(", ") || "none"}); every ${definition.name.replace(/s$/, "")}'s children are ` +
            `synced again once`,
        );
      }
      return;
    }
    for (const [partition, tokens] of Object.entries(bookmark.versions ?? {}))
      for (const token of Object.keys(tokens)) this.partitionOf.set(token, partition);
  }

  /** Records the new selection of children (and forgets the versions of the old one) before any item commits. */
  async start(): Promise<void> {
    // FULL_TABLE: every item is emitted every sync, from the start of the list (a resumed sync too): a new version.
    this.read = await TableRead.begin(this.ctx, this.definition, "restart");
    if (!this.reset) return;
    await this.ctx.output.update((state) => {
      const bookmark = writableBookmark(state, this.definition.name);
      bookmark.versions = {};
      bookmark.children = this.signature;
      delete bookmark.child_tokens;
    });
  }

  private versions(): Readonly<Record<string, Readonly<Record<string, string>>>> {
    return readBookmark(this.ctx.output.state, this.definition.name).versions ?? NO_VERSIONS;
  }

  /** Lists the items under one parent (a space) and syncs each in the parent's pool. */
  async visit(node: ParentNode): Promise<void> {
    const { ctx, definition } = this;
    const outcome = await tolerating(
      ctx,
      definition,
      `${node.parent?.name.replace(/s$/, "") ?? "workspace"} ${node.token}`,
      async () => {
        for await (const page of listPages(ctx, definition, node.context)) {
          if (page.pageNumber === 1 && page.totalCount !== undefined)
            ctx.progress.addExpected(definition.name, page.totalCount);
          for (const item of page.items) {
            const token = tokenOf(item, "token", definition.name);
            const task = (): Promise<void> => this.sync(item, token, node.token, node.context);
            if (node.pool) await node.pool.run(task);
            else await task();
          }
        }
      },
    );
    if (outcome === undefined) this.listedUnder.add(node.token);
    else this.failed = true;
  }

  /** Syncs one item listed under `partition`. Resolves when its unit is committed (or skipped). */
  private async sync(
    item: Readonly<Record<string, unknown>>,
    token: string,
    partition: string,
    context: StreamContext,
  ): Promise<void> {
    const { ctx, definition } = this;
    this.seen.add(token);
    const updatedAt = timestampOf(item, "updated_at") ?? "";
    const previous = this.partitionOf.get(token);
    const recorded = previous === undefined ? undefined : this.versions()[previous]?.[token];
    const startDate = ctx.config.startDate;
    const watermark = this.migratedWatermark();
    const changed =
      recorded === undefined
        ? (startDate === undefined || updatedAt >= startDate) && (watermark === null || updatedAt >= watermark)
        : recorded !== updatedAt;
    const parentFullTable = ctx.selected.get(definition.name)?.replicationMethod === "FULL_TABLE";

    const unit = ctx.output.unit();
    if (ctx.selected.has(definition.name) && (changed || parentFullTable)) unit.add(definition.name, item, context);
    const node = childNode(
      definition,
      item,
      context,
      unit,
      (child) => changed || this.fullTableChildren.has(child.name),
    );
    for (const child of this.children) await child.visit(node);
    if (changed) this.compareChildren(token, unit, node.context);
    if (changed || previous !== partition) {
      const recordVersion = changed ? updatedAt : (recorded ?? updatedAt);
      unit.onCommit((state) => {
        const versions = writableBookmark(state, definition.name).versions;
        if (previous !== undefined && previous !== partition) delete versions[previous]?.[token];
        (versions[partition] ??= {})[token] = recordVersion;
      });
      this.partitionOf.set(token, partition);
    }
    if (unit.records.length > 0 || unit.stateUpdates.length > 0) await ctx.output.commit(unit);
    if (changed) ctx.progress.done(definition.name);
    else if (recorded === undefined && startDate !== undefined && updatedAt < startDate)
      ctx.progress.olderThanStart(definition.name);
    else ctx.progress.unchanged(definition.name);
  }

  /**
   * After a changed item's children were read into its unit: each child remembered from last time and no longer
   * listed, in a child stream whose listings all completed, joins the unit as a record with `_sdc_deleted_at`; the
   * memory of what was seen is committed with the unit (docs/deletions.md "Children of a changed report").
   */
  private compareChildren(token: string, unit: Unit, context: StreamContext): void {
    const { ctx, definition, remembered } = this;
    if (remembered.size === 0) return;
    const stored = readBookmark(ctx.output.state, definition.name).child_tokens?.[token];
    const before: ChildMemory = stored === undefined ? new Map() : decodeChildMemory(stored, token);
    let seen: ChildMemory;
    try {
      seen = rememberChildren(
        unit.listed
          .filter((l) => remembered.has(l.stream))
          .map((l): RememberedChild => (this.grouped(l.stream) ? { ...l, under: l.parent } : l)),
      );
    } catch (error) {
      if (!(error instanceof ChildMemoryError)) throw error;
      ctx.warnOnce(`child-memory:${definition.name}`, `${definition.name}: children not remembered (${error.message})`);
      return;
    }
    const complete = new Set([...remembered].filter((stream) => this.listedInFull(stream, unit)));
    const { gone, next } = childDeletions(before, { seen, complete });
    for (const child of gone) {
      const parent = child.under === undefined ? undefined : ctx.definitions.get(this.parentOf(child.stream));
      const childContext = { ...context, ...(parent?.childContext?.({ token: child.under }) ?? {}) };
      unit.add(child.stream, deletionRecord(child.token, ctx.startedAt), childContext);
      ctx.progress.deleted(child.stream, 1);
    }
    const encoded = encodeChildMemory(next);
    unit.onCommit((state) => {
      const bookmark = writableBookmark(state, definition.name);
      const memory = (bookmark.child_tokens ??= {});
      if (Object.keys(encoded).length === 0) delete memory[token];
      else memory[token] = encoded;
    });
  }

  /** Whether `stream` and each stream between it and this one listed completely for the item of `unit`. */
  private listedInFull(stream: string, unit: Unit): boolean {
    for (let s = stream; s !== this.definition.name; s = this.parentOf(s)) if (unit.incomplete.has(s)) return false;
    return true;
  }

  private parentOf(stream: string): string {
    return this.ctx.definitions.get(stream)?.parent ?? this.definition.name;
  }

  /** A child listed under another child (charts under their query) is remembered grouped under that child's token. */
  private grouped(stream: string): boolean {
    return this.parentOf(stream) !== this.definition.name;
  }

  /** After the walk: report deletions, then set the watermark. */
  async finish(listedParents: ReadonlySet<string> | null): Promise<void> {
    await this.reportDeletions(listedParents);
    const complete = listedParents !== null && !this.failed;
    for (const child of this.children) await child.finish(complete ? this.seen : null);
    if (complete && this.read !== undefined) {
      const unit = this.ctx.output.unit();
      this.read.end(unit);
      await this.ctx.output.commit(unit);
    }
    await this.setWatermark();
  }

  /**
   * Items recorded in the bookmark but not listed are gone. Only partitions listed completely (or no longer listed at
   * all, when the parents' list itself completed) count, so a failed or forbidden listing deletes nothing. Emits one
   * record per deleted item with `_sdc_deleted_at` (the Singer convention for soft deletes) and forgets it, with what
   * its children's bookmarks keep for it.
   */
  private async reportDeletions(allPartitionsListed: ReadonlySet<string> | null): Promise<void> {
    const { ctx, definition } = this;
    const gone: Array<{ partition: string; token: string }> = [];
    for (const [partition, tokens] of Object.entries(this.versions())) {
      const vanished = allPartitionsListed !== null && !allPartitionsListed.has(partition);
      if (!this.listedUnder.has(partition) && !vanished) continue;
      for (const token of Object.keys(tokens)) if (!this.seen.has(token)) gone.push({ partition, token });
    }
    if (gone.length === 0) return;
    const unit = ctx.output.unit();
    for (const { partition, token } of gone) {
      if (ctx.selected.has(definition.name))
        unit.add(definition.name, { token, _sdc_deleted_at: ctx.startedAt }, this.partitionContext(partition));
    }
    unit.onCommit((state) => {
      const versions = writableBookmark(state, definition.name).versions;
      for (const { partition, token } of gone) {
        delete versions[partition]?.[token];
        if (versions[partition] && Object.keys(versions[partition]).length === 0) delete versions[partition];
        for (const child of this.children) child.forgetParent?.(state, token);
        const bookmark = state.bookmarks[definition.name] as { child_tokens?: Record<string, JsonObject> } | undefined;
        delete bookmark?.child_tokens?.[token];
      }
    });
    await ctx.output.commit(unit);
    ctx.logger.info(
      `${definition.name}: ${gone.length} no longer listed by Mode; ` +
        `${ctx.selected.has(definition.name) ? "emitted with _sdc_deleted_at and " : ""}removed from the state`,
    );
    ctx.progress.deleted(definition.name, gone.length);
  }

  /**
   * The context of a partition known only by its token (it may no longer be listed): what the parent's childContext
   * builds from an item with that token (`{space}` for reports), so a deletion record carries its space_token.
   */
  private partitionContext(partition: string): StreamContext {
    const parent = this.definition.parent === undefined ? undefined : this.ctx.definitions.get(this.definition.parent);
    return { workspace: this.ctx.config.workspace, ...(parent?.childContext?.({ token: partition }) ?? {}) };
  }

  /** Sets replication_key_value to the newest synced version, capped at the signpost. */
  private async setWatermark(): Promise<void> {
    const { ctx } = this;
    await ctx.output.update((state) => {
      const bookmark = writableBookmark(state, this.definition.name);
      let max: string | null = null;
      for (const tokens of Object.values(bookmark.versions))
        for (const v of Object.values(tokens)) if (max === null || v > max) max = v;
      if (max !== null && max > ctx.startedAt) max = ctx.startedAt;
      bookmark.replication_key_value = max;
      delete bookmark.migrated_from;
    });
  }

  /** A state migrated from an SDK-style tap has a watermark but no versions: items older than it count as synced. */
  private migratedWatermark(): string | null {
    const raw = readBookmark(this.ctx.output.state, this.definition.name);
    if (raw.migrated_from === undefined || typeof raw.replication_key_value !== "string") return null;
    return raw.replication_key_value;
  }
}
