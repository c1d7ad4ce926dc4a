import { completedThisSync, markCompleted, parseCompletion, type CompletionMarkers } from "../completion.js";
import type { Strategy } from "../context.js";

/** A derived stream is computed again whenever its source is read: only the resume markers of an unfinished sync. */
export type DerivedBookmark = CompletionMarkers;

/**
 * `derived`: records computed (CPU only, no request) from each record of the `derivedFrom` streams. In the walk the
 * stream is a child of each source, handed every source item the walk reads, so it is emitted in the same unit as its
 * source record and is incremental exactly when the source is (a report's queries are read again only when the report
 * changed, and so are the records derived from them). `derive` gets the source item as Mode sent it, its context (the
 * source's childContext included) and the lookups: the workspace-level streams the definition names in `lookups`,
 * read before the rest of the walk whenever the derived stream is selected.
 */
export const derived: Strategy<DerivedBookmark> = {
  kind: "derived",
  placement: { at: "child" },
  followsParentVersion: true,
  parseBookmark: parseCompletion,
  open(ctx, definition) {
    const derive = definition.createDerive?.() ?? definition.derive;
    if (derive === undefined) throw new Error(`internal: derived stream ${definition.name} declares no derive`);
    return Promise.resolve({
      definition,
      async visit(node) {
        if (!node.changedFor(definition) || !ctx.selected.has(definition.name)) return;
        const records = derive(node.item, node.context, ctx.lookups);
        if (node.unit !== undefined) {
          for (const record of records) node.unit.add(definition.name, record, node.context);
          return;
        }
        // A source committing units of its own (a top-level list): one unit per source item, resumable.
        if (completedThisSync(ctx, definition.name, node.token)) return;
        const unit = ctx.output.unit();
        for (const record of records) unit.add(definition.name, record, node.context);
        markCompleted(ctx, unit, definition.name, node.token);
        await ctx.output.commit(unit);
      },
      finish: () => Promise.resolve(),
    });
  },
};
