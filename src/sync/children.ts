import type { StreamContext, StreamDefinition } from "../streams/types.js";
import type { SyncContext } from "./context.js";
import { listPages, tolerating } from "./lists.js";
import type { Unit } from "./output.js";

/** Streams whose bookmark is partitioned per parent and that are read newest first (see runs.ts). */
export const RUN_STREAMS: ReadonlySet<string> = new Set(["runs", "dataset_runs"]);

/** Direct child streams of `parent` that must be walked (from the plan made once per sync). */
export function neededChildren(ctx: SyncContext, parent: string): readonly StreamDefinition[] {
  return ctx.walk.get(parent) ?? [];
}

/** Every stream below `parent` (children, grandchildren, ...), run streams and their subtrees excluded. */
export function versionedDescendants(ctx: SyncContext, parent: string): string[] {
  const out: string[] = [];
  for (const d of ctx.definitions.values()) {
    if (d.parent === parent && !RUN_STREAMS.has(d.name)) out.push(d.name, ...versionedDescendants(ctx, d.name));
  }
  return out;
}

/**
 * Lists every needed child list of one parent item into the unit, recursing into grandchildren (queries -> charts),
 * the one generic runner for child streams (house style practice 1). `include` filters which direct children to walk.
 * A 404 on a child list (the parent deleted between listing and fetching, mode-api notes §7.12, or an endpoint this
 * workspace does not have) skips that list with a warning and keeps the rest of the unit: a deleted parent is then
 * reported by the next sync, when its list no longer names it.
 */
export async function syncChildren(
  ctx: SyncContext,
  unit: Unit,
  parent: string,
  context: StreamContext,
  include: (child: StreamDefinition) => boolean,
): Promise<void> {
  for (const child of neededChildren(ctx, parent)) {
    if (RUN_STREAMS.has(child.name) || !include(child)) continue;
    await tolerating(
      ctx,
      child,
      () => `${parent.replace(/s$/, "")} ${describe(context)}`,
      async () => {
        const grandchildren = neededChildren(ctx, child.name).length > 0;
        for await (const page of listPages(ctx, child, context)) {
          for (const item of page.items) {
            if (ctx.selected.has(child.name)) unit.add(child.name, item, context);
            if (grandchildren && child.childContext)
              await syncChildren(ctx, unit, child.name, { ...context, ...child.childContext(item) }, () => true);
          }
        }
      },
    );
  }
}

function describe(context: StreamContext): string {
  return Object.entries(context)
    .filter(([k]) => k !== "workspace")
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}
