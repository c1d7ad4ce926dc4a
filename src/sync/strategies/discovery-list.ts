import { DiscoverySession, DiscoveryUnavailableError } from "../../discovery/session.js";
import type { StreamDefinition } from "../../streams/types.js";
import { completedThisSync, markCompleted, type CompletionMarkers } from "../completion.js";
import type { ParentNode, Strategy, SyncContext } from "../context.js";
import { parseFullReadBookmark, TableRead, type TableVersionFields } from "../table-versions.js";

/** A Discovery list is read whole every sync: the resume marker of an unfinished sync and its table version. */
export type DiscoveryListBookmark = CompletionMarkers & TableVersionFields;

/** The run's one Discovery session (and so its one signature token), shared by every discovery-list stream. */
const SESSION_RESOURCE = "discovery-session";

/**
 * `discovery-list`: one workspace-wide list of the Discovery ("batch") API of Enterprise workspaces
 * (docs/discovery.md), read in full every sync (the API has no updated-since filter) through the run's
 * DiscoverySession: a run resource opened by the first such stream read, whose signature token the engine deletes when
 * the run ends (after the final STATE, after a failure, on SIGINT/SIGTERM). Each page (up to 1,000 rows) is committed
 * as it comes, so a large list is never held whole; the stream's "completed in this sync" marker follows its last page,
 * so a resumed run skips a list the interrupted run delivered and reads any other one again from its first page (the
 * pages are not stable across runs). The streams run in a phase of their own, after the REST walk. When the API cannot
 * be read (not Enterprise, not an admin's key, turned off) the session has logged one WARNING and the streams are
 * skipped: the sync goes on.
 */
export const discoveryList: Strategy<DiscoveryListBookmark> = {
  kind: "discovery-list",
  placement: { at: "root", phase: () => "discovery", order: 3 },
  followsParentVersion: false,
  // Every read covers the whole list: versioned, activated after its last page (src/sync/table-versions.ts).
  fullReads: "always",
  parseBookmark: parseFullReadBookmark,
  open(ctx, definition) {
    return Promise.resolve({
      definition,
      visit: (node) => readList(ctx, definition, node),
      finish: () => Promise.resolve(),
    });
  },
};

async function readList(ctx: SyncContext, definition: StreamDefinition, node: ParentNode): Promise<void> {
  if (!ctx.selected.has(definition.name)) return;
  if (completedThisSync(ctx, definition.name)) {
    ctx.logger.info(`stream ${definition.name}: already completed by the interrupted sync this run resumes; skipped`);
    return;
  }
  const session = await ctx.resources.get(SESSION_RESOURCE, () => Promise.resolve(openSession(ctx)));
  const { context } = node;
  // A new version per read, begun once Mode answers the first page (before its records) and activated with the
  // marker unit after the last page; a skipped or interrupted read activates nothing.
  let read: TableRead | undefined;
  let begun = false;
  try {
    for await (const page of session.pages(definition, ctx.signal)) {
      if (!begun) {
        begun = true;
        read = await TableRead.begin(ctx, definition, "restart");
      }
      const unit = ctx.output.unit();
      for (const item of page.items) unit.add(definition.name, item, context);
      await ctx.output.commit(unit);
    }
  } catch (error) {
    // Logged once by the session (one WARNING for the API, or one for this list): skip, the rest of the sync goes on.
    if (error instanceof DiscoveryUnavailableError) return;
    throw error;
  }
  const unit = ctx.output.unit();
  read?.end(unit);
  markCompleted(ctx, unit, definition.name);
  await ctx.output.commit(unit);
}

function openSession(ctx: SyncContext): DiscoverySession {
  const { config } = ctx;
  return new DiscoverySession({
    transport: ctx.client,
    baseUrl: config.baseUrl,
    workspace: config.workspace,
    query: { includePersonalSpaces: config.includePersonalSpaces },
    tokenLifetimeHours: config.discoveryTokenLifetimeHours,
    runStartedAt: ctx.startedAt,
    logger: ctx.logger,
    clock: ctx.clock,
  });
}
