import { StateError, type TapState } from "../state.js";
import type { StreamDefinition } from "../streams/types.js";
import type { Strategy } from "./context.js";
import type { StrategyOf } from "./plan.js";

/**
 * The strategy whose bookmark type a stream's bookmark has: its own walk's, unless it is read under an ancestor whose
 * strategy keeps its descendants' bookmarks (query runs hold run partitions, one per report, like runs).
 */
export function bookmarkStrategy(
  definition: StreamDefinition,
  definitions: ReadonlyMap<string, StreamDefinition>,
  strategyOf: StrategyOf,
): Strategy {
  const own = strategyOf(definition.walk);
  let owner = own;
  let current = definition;
  while (strategyOf(current.walk).placement.at === "child" && current.parent !== undefined) {
    const parent = definitions.get(current.parent);
    if (parent === undefined) break;
    if (strategyOf(parent.walk).ownsDescendantBookmarks === true) owner = strategyOf(parent.walk);
    current = parent;
  }
  return owner;
}

/**
 * Checks every bookmark of a known stream against its strategy's type when the state is loaded: a bad shape is one
 * StateError line naming the state and the field, before anything is requested. Bookmarks of streams this version
 * does not know are kept as they are.
 */
export function checkBookmarks(
  state: TapState,
  definitions: readonly StreamDefinition[],
  strategyOf: StrategyOf,
  label: string,
): void {
  const byName = new Map(definitions.map((d) => [d.name, d] as const));
  for (const [stream, raw] of Object.entries(state.bookmarks)) {
    const definition = byName.get(stream);
    if (definition === undefined) continue;
    try {
      bookmarkStrategy(definition, byName, strategyOf).parseBookmark(raw, `bookmarks.${stream}`);
    } catch (error) {
      if (error instanceof StateError) throw new StateError(`state ${label}: ${error.message}`);
      throw error;
    }
  }
}
