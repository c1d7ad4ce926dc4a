import { isJsonObject } from "../json.js";
import type { TapState, VersionedBookmark } from "../state.js";
import type { StreamContext, StreamDefinition } from "../streams/types.js";
import { RUN_STREAMS, neededChildren, syncChildren, versionedDescendants } from "./children.js";
import type { SyncContext } from "./context.js";
import { timestampOf } from "./lists.js";
import { forgetRunPartitions, syncRuns } from "./runs.js";

/**
 * Reports and datasets are "versioned parents": their list pages are read in full every sync (cheap: 30 per page), and
 * a parent's children (queries, charts, filters, schedules, subscriptions) are fetched again only when its `updated_at`
 * differs from the version recorded when they were last synced. Runs have their own per-parent bookmark (runs.ts).
 * A parent recorded in state but no longer listed in a space that was listed completely is reported deleted.
 */
export class VersionedParents {
  private readonly seen = new Set<string>();
  private readonly listedSpaces = new Set<string>();
  private readonly spaceOf = new Map<string, string>();
  private readonly signature: string[];
  private readonly runsStream: StreamDefinition | undefined;
  /** Child lists to read for every parent, changed or not: FULL_TABLE was asked for them or a descendant. */
  private readonly fullTableChildren: ReadonlySet<string>;

  constructor(
    private readonly ctx: SyncContext,
    readonly definition: StreamDefinition,
  ) {
    this.signature = [definition.name, ...versionedDescendants(ctx, definition.name)]
      .filter((s) => ctx.selected.has(s))
      .sort();
    this.runsStream = neededChildren(ctx, definition.name).find((d) => RUN_STREAMS.has(d.name));
    this.fullTableChildren = new Set(
      neededChildren(ctx, definition.name)
        .filter((child) =>
          [child.name, ...versionedDescendants(ctx, child.name)].some(
            (s) => ctx.selected.get(s)?.replicationMethod === "FULL_TABLE",
          ),
        )
        .map((child) => child.name),
    );
    const bookmark = this.bookmark(ctx.output.state);
    if (bookmark.children.join(",") !== this.signature.join(",")) {
      if (Object.keys(bookmark.versions).length > 0) {
        ctx.logger.info(
          `${definition.name}: the selected child streams changed (${bookmark.children.join(", ") || "none"} -> ${this.signature.join(", ") || "none"}); every ${definition.name.replace(/s$/, "")}'s children are synced again once`,
        );
      }
      bookmark.versions = {};
      bookmark.children = this.signature;
    }
    for (const [space, tokens] of Object.entries(bookmark.versions))
      for (const token of Object.keys(tokens)) this.spaceOf.set(token, space);
  }

  /** The bookmark object inside the state, created on first use. */
  bookmark(state: TapState): VersionedBookmark {
    const raw = (state.bookmarks[this.definition.name] ??= {});
    if (!isJsonObject(raw.versions)) raw.versions = {};
    if (!Array.isArray(raw.children)) raw.children = [];
    raw.replication_key ??= "updated_at";
    raw.replication_key_value ??= null;
    return raw as unknown as VersionedBookmark;
  }

  /** Marks a space whose listing of this stream completed (needed before reporting deletions in it). */
  spaceListed(space: string): void {
    this.listedSpaces.add(space);
  }

  /** Syncs one parent item listed in `space`. Resolves when its unit is committed (or skipped). */
  async sync(
    item: Readonly<Record<string, unknown>>,
    token: string,
    space: string,
    context: StreamContext,
  ): Promise<void> {
    const { ctx, definition } = this;
    this.seen.add(token);
    const updatedAt = timestampOf(item, "updated_at") ?? "";
    const previous = this.spaceOf.get(token);
    const recorded = previous === undefined ? undefined : this.bookmark(ctx.output.state).versions[previous]?.[token];
    const startDate = ctx.config.startDate;
    const watermark = this.migratedWatermark();
    const changed =
      recorded === undefined
        ? (startDate === undefined || updatedAt >= startDate) && (watermark === null || updatedAt >= watermark)
        : recorded !== updatedAt;
    const parentFullTable = ctx.selected.get(definition.name)?.replicationMethod === "FULL_TABLE";

    const unit = ctx.output.unit();
    if (ctx.selected.has(definition.name) && (changed || parentFullTable)) unit.add(definition.name, item, context);
    const childContext = { ...context, ...(definition.childContext?.(item) ?? {}) };
    await syncChildren(
      ctx,
      unit,
      definition.name,
      childContext,
      (child) => changed || this.fullTableChildren.has(child.name),
    );
    if (this.runsStream) await syncRuns(ctx, unit, this.runsStream, item, token, childContext);
    if (changed || previous !== space) {
      const recordVersion = changed ? updatedAt : (recorded ?? updatedAt);
      unit.onCommit((state) => {
        const versions = this.bookmark(state).versions;
        if (previous !== undefined && previous !== space) delete versions[previous]?.[token];
        (versions[space] ??= {})[token] = recordVersion;
      });
      this.spaceOf.set(token, space);
    }
    if (unit.records.length > 0 || unit.stateUpdates.length > 0) await ctx.output.commit(unit);
    if (changed) ctx.progress.done(definition.name);
    else ctx.progress.unchanged(definition.name);
  }

  /**
   * After the walk: parents recorded in state but not listed are gone. Only spaces listed completely (or no longer
   * listed at all, when the spaces list itself completed) count, so a failed or forbidden listing deletes nothing.
   * Emits one record per deleted parent with `_sdc_deleted_at` (the Singer convention for soft deletes) and forgets it.
   */
  async reportDeletions(allSpacesListed: ReadonlySet<string> | null): Promise<number> {
    const { ctx, definition } = this;
    const versions = this.bookmark(ctx.output.state).versions;
    const unit = ctx.output.unit();
    const gone: Array<{ space: string; token: string }> = [];
    for (const [space, tokens] of Object.entries(versions)) {
      const spaceVanished = allSpacesListed !== null && !allSpacesListed.has(space);
      if (!this.listedSpaces.has(space) && !spaceVanished) continue;
      for (const token of Object.keys(tokens)) if (!this.seen.has(token)) gone.push({ space, token });
    }
    if (gone.length === 0) return 0;
    const runStreams = this.runsStream
      ? [this.runsStream.name, ...neededChildren(ctx, this.runsStream.name).map((d) => d.name)]
      : [];
    for (const { space, token } of gone) {
      if (ctx.selected.has(definition.name))
        unit.add(
          definition.name,
          { token, _sdc_deleted_at: ctx.startedAt },
          { workspace: ctx.config.workspace, space },
        );
    }
    unit.onCommit((state) => {
      const v = this.bookmark(state).versions;
      for (const { space, token } of gone) {
        delete v[space]?.[token];
        if (v[space] && Object.keys(v[space]).length === 0) delete v[space];
        forgetRunPartitions(state, runStreams, token);
      }
    });
    await ctx.output.commit(unit);
    ctx.logger.info(
      `${definition.name}: ${gone.length} no longer listed by Mode; ${ctx.selected.has(definition.name) ? "emitted with _sdc_deleted_at and " : ""}removed from the state`,
    );
    ctx.progress.deleted(definition.name, gone.length);
    return gone.length;
  }

  /** Sets replication_key_value to the newest synced version, capped at the signpost. */
  async finish(): Promise<void> {
    const { ctx } = this;
    await ctx.output.update((state) => {
      const bookmark = this.bookmark(state);
      let max: string | null = null;
      for (const tokens of Object.values(bookmark.versions))
        for (const v of Object.values(tokens)) if (max === null || v > max) max = v;
      if (max !== null && max > ctx.startedAt) max = ctx.startedAt;
      bookmark.replication_key_value = max;
      delete (bookmark as unknown as Record<string, unknown>).migrated_from;
    });
  }

  /** A state migrated from an SDK-style tap has a watermark but no versions: parents older than it count as synced. */
  private migratedWatermark(): string | null {
    const raw = this.ctx.output.state.bookmarks[this.definition.name];
    if (!raw || raw.migrated_from === undefined || typeof raw.replication_key_value !== "string") return null;
    return raw.replication_key_value;
  }
}
