import type { StreamDefinition } from "../streams/types.js";
import { neededChildren, syncChildren } from "./children.js";
import { isNeeded, type SyncContext } from "./context.js";
import { fillPath, listPages, timestampOf, tolerating } from "./lists.js";
import { fullTableDone, markFullTableDone } from "./full-table.js";

/** Streams read at the workspace level, outside the spaces walk. */
export const WORKSPACE_STREAMS: readonly string[] = [
  "workspaces",
  "data_sources",
  "definitions",
  "memberships",
  "groups",
  "audit_logs",
];

/** How far back audit logs reach on a first sync without start_date (the endpoint requires a start, mode-api §3.15). */
const AUDIT_LOG_DEFAULT_DAYS = 30;

/**
 * The small workspace-level lists: full table each sync, each one committed as a unit (with its children, e.g. group
 * memberships). audit_logs is incremental on `timestamp` and committed page by page.
 */
export async function syncWorkspaceLists(ctx: SyncContext): Promise<void> {
  const tasks = WORKSPACE_STREAMS.map((name) => ctx.definitions.get(name))
    .filter((d): d is StreamDefinition => d !== undefined && isNeeded(ctx, d.name))
    .map((definition) =>
      definition.name === "audit_logs" ? syncAuditLogs(ctx, definition) : syncFullTableList(ctx, definition),
    );
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

async function syncFullTableList(ctx: SyncContext, definition: StreamDefinition): Promise<void> {
  if (fullTableDone(ctx, definition.name)) {
    ctx.logger.info(`stream ${definition.name}: already completed by the interrupted sync this run resumes; skipped`);
    return;
  }
  const context = { workspace: ctx.config.workspace };
  const unit = ctx.output.unit();
  const emit = ctx.selected.has(definition.name);
  const outcome = await tolerating(ctx, definition, `workspace ${ctx.config.workspace}`, async () => {
    if (definition.kind === "object") {
      if (definition.path === null) return;
      const body = await ctx.client.getJson({
        path: fillPath(definition.path, context),
        template: definition.path,
        signal: ctx.signal,
      });
      if (emit) unit.add(definition.name, body, context);
      return;
    }
    const hasChildren = neededChildren(ctx, definition.name).length > 0;
    for await (const page of listPages(ctx, definition, context)) {
      for (const item of page.items) {
        if (emit) unit.add(definition.name, item, context);
        if (hasChildren && definition.childContext)
          await syncChildren(ctx, unit, definition.name, { ...context, ...definition.childContext(item) }, () => true);
      }
    }
  });
  if (outcome !== undefined) return;
  markFullTableDone(ctx, unit, definition.name);
  await ctx.output.commit(unit);
}

async function syncAuditLogs(ctx: SyncContext, definition: StreamDefinition): Promise<void> {
  const plan = ctx.selected.get(definition.name);
  const bookmark = ctx.output.state.bookmarks[definition.name];
  const saved = plan?.replicationMethod === "FULL_TABLE" ? undefined : bookmark?.replication_key_value;
  const start =
    typeof saved === "string"
      ? saved
      : (ctx.config.startDate ??
        new Date(Date.parse(ctx.startedAt) - AUDIT_LOG_DEFAULT_DAYS * 86_400_000).toISOString());
  let newest: string | null = null;
  const context = { workspace: ctx.config.workspace };
  const outcome = await tolerating(ctx, definition, `workspace ${ctx.config.workspace}`, async () => {
    for await (const page of listPages(ctx, definition, context, {
      start_timestamp: start,
      end_timestamp: ctx.startedAt,
    })) {
      const unit = ctx.output.unit();
      for (const item of page.items) {
        const ts = timestampOf(item, "timestamp");
        // >= keeps entries sharing the bookmark's timestamp (Singer CONFIG_AND_STATE.md).
        if (ts !== null && ts < start) continue;
        if (ts !== null && (newest === null || ts > newest)) newest = ts;
        unit.add(definition.name, item, context);
      }
      await ctx.output.commit(unit);
    }
  });
  if (outcome !== undefined) return;
  await ctx.output.update((state) => {
    const b = (state.bookmarks[definition.name] ??= {});
    b.replication_key = "timestamp";
    const value = newest !== null && newest > start ? newest : start;
    b.replication_key_value = value > ctx.startedAt ? ctx.startedAt : value;
  });
}
