import type { StreamDefinition, WalkKind } from "../streams/types.js";
import type { Placement, Strategy, WalkPlan } from "./context.js";

export type StrategyOf = (kind: WalkKind) => Strategy;

/**
 * The walk, planned once per sync. A stream's children in the tree are the streams naming it as `parent` and placed
 * under it, plus the derived streams computed from it. A stream is needed when it is selected, when one of its
 * children is, or when a needed derived stream looks it up. A root strategy (report results) is not read through its
 * catalog parent, so it does not make its parents needed.
 */
export function planWalk(
  definitions: readonly StreamDefinition[],
  selected: ReadonlySet<string>,
  strategyOf: StrategyOf,
): WalkPlan {
  const placement = (d: StreamDefinition): Placement => strategyOf(d.walk).placement;
  const treeChildren = (name: string): StreamDefinition[] =>
    definitions.filter((d) =>
      d.walk === "derived" ? (d.derivedFrom ?? []).includes(name) : d.parent === name && placement(d).at === "child",
    );
  const memo = new Map<string, boolean>();
  const neededInTree = (name: string): boolean => {
    let needed = memo.get(name);
    if (needed === undefined) {
      memo.set(name, false); // a cycle in the definitions reads nothing rather than looping
      needed = selected.has(name) || treeChildren(name).some((c) => neededInTree(c.name));
      memo.set(name, needed);
    }
    return needed;
  };
  const lookups = new Set(
    definitions.filter((d) => d.walk === "derived" && selected.has(d.name)).flatMap((d) => d.lookups ?? []),
  );
  const isNeeded = (name: string): boolean => neededInTree(name) || lookups.has(name);
  const children = new Map(
    definitions.map((d) => [d.name, treeChildren(d.name).filter((c) => isNeeded(c.name))] as const),
  );
  const roots = definitions.filter(
    (d) => d.walk !== "derived" && (placement(d).at === "root" || d.parent === undefined) && isNeeded(d.name),
  );
  for (const name of lookups) {
    if (!roots.some((r) => r.name === name))
      throw new Error(`internal: lookup stream ${name} is not read at the top of the walk`);
  }
  const versionFollowers = (name: string): string[] =>
    (children.get(name) ?? [])
      .filter((c) => strategyOf(c.walk).followsParentVersion)
      .flatMap((c) => [c.name, ...versionFollowers(c.name)]);
  const byName = new Map(definitions.map((d) => [d.name, d] as const));
  const readsInFull = (name: string, depth = 0): boolean => {
    const definition = byName.get(name);
    if (definition === undefined || depth > definitions.length) return false;
    const full = strategyOf(definition.walk).fullReads;
    if (full === "always") return true;
    return full === "when-parent-is" && definition.parent !== undefined && readsInFull(definition.parent, depth + 1);
  };
  return { children, roots, lookups, isNeeded, versionFollowers, readsInFull: (name) => readsInFull(name) };
}
