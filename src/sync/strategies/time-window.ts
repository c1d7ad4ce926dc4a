import type { JsonObject } from "../../json.js";
import type { StreamDefinition } from "../../streams/types.js";
import { optionalString, optionalTimestamp } from "../bookmark-fields.js";
import { parseCompletion, type CompletionMarkers } from "../completion.js";
import type { ParentNode, Strategy, SyncContext } from "../context.js";
import { listPages, timestampOf, tolerating } from "../lists.js";

/** Bookmark of a time-window stream: the newest replication-key value emitted, capped at the sync's start. */
export interface TimeWindowBookmark extends CompletionMarkers {
  readonly replication_key?: string;
  readonly replication_key_value?: string | null;
}

export function parseTimeWindowBookmark(raw: JsonObject, field: string): TimeWindowBookmark {
  parseCompletion(raw, field);
  optionalString(raw, "replication_key", field);
  optionalTimestamp(raw, "replication_key_value", field);
  return raw as TimeWindowBookmark;
}

/**
 * `time-window`: a workspace-level list the endpoint filters by a start and an end timestamp (the stream's `window`:
 * audit logs require both, docs/mode-api.md §3.15). The window runs from the bookmark (or start_date, or the declared
 * look-back on a first sync) to the sync's start; each page is committed as it comes, and the bookmark moves once the
 * whole window was read. Entries sharing the bookmark's timestamp are emitted again (>=, Singer CONFIG_AND_STATE.md).
 */
export const timeWindow: Strategy<TimeWindowBookmark> = {
  kind: "time-window",
  placement: { at: "root", phase: () => "workspace", order: 1 },
  followsParentVersion: false,
  parseBookmark: parseTimeWindowBookmark,
  open(ctx, definition) {
    return Promise.resolve({
      definition,
      visit: (node) => readWindow(ctx, definition, node),
      finish: () => Promise.resolve(),
    });
  },
};

async function readWindow(ctx: SyncContext, definition: StreamDefinition, node: ParentNode): Promise<void> {
  const window = definition.window;
  const key = ctx.selected.get(definition.name)?.replicationKey ?? definition.defaultReplicationKey;
  if (window === undefined || key === undefined)
    throw new Error(`internal: time-window stream ${definition.name} declares no window or replication key`);
  const plan = ctx.selected.get(definition.name);
  const bookmark = ctx.output.state.bookmarks[definition.name] as TimeWindowBookmark | undefined;
  const saved = plan?.replicationMethod === "FULL_TABLE" ? undefined : bookmark?.replication_key_value;
  const start =
    typeof saved === "string"
      ? saved
      : (ctx.config.startDate ??
        new Date(Date.parse(ctx.startedAt) - window.defaultLookbackDays * 86_400_000).toISOString());
  let newest: string | null = null;
  const { context } = node;
  const query = { [window.startParam]: start, [window.endParam]: ctx.startedAt };
  const outcome = await tolerating(ctx, definition, `workspace ${ctx.config.workspace}`, async () => {
    for await (const page of listPages(ctx, definition, context, query)) {
      const unit = ctx.output.unit();
      for (const item of page.items) {
        const ts = timestampOf(item, key);
        if (ts !== null && ts < start) continue;
        if (ts !== null && (newest === null || ts > newest)) newest = ts;
        if (ctx.selected.has(definition.name)) unit.add(definition.name, item, context);
      }
      await ctx.output.commit(unit);
    }
  });
  if (outcome !== undefined) return;
  await ctx.output.update((state) => {
    const b = (state.bookmarks[definition.name] ??= {});
    b.replication_key = key;
    const value = newest !== null && newest > start ? newest : start;
    b.replication_key_value = value > ctx.startedAt ? ctx.startedAt : value;
  });
}
