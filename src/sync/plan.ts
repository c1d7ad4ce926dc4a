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
  /** Selected streams the catalog replicates FULL_TABLE. */
  fullTable: ReadonlySet<string> = new Set(),
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
  const fullReadsOf = (name: string): Strategy["fullReads"] => {
    const definition = byName.get(name);
    return definition === undefined ? undefined : strategyOf(definition.walk).fullReads;
  };
  const parentOf = (name: string): string | undefined => byName.get(name)?.parent;
  // Whether `parent` reads its children for every one of its items when `descendant` is what is read below it.
  const childrenOfEvery = (parent: string, descendant: string): boolean => {
    const full = fullReadsOf(parent);
    return full === "always" || full === "when-parent-is" || (full === "when-full-table" && fullTable.has(descendant));
  };
  // Whether every item of `stream` is listed in a sync that reads `descendant` below it.
  const everyItem = (stream: string, descendant: string, depth = 0): boolean => {
    const full = fullReadsOf(stream);
    if (full === "always" || full === "when-full-table") return true;
    const parent = parentOf(stream);
    if (full !== "when-parent-is" || parent === undefined || depth > definitions.length) return false;
    return everyItem(parent, descendant, depth + 1) && childrenOfEvery(parent, descendant);
  };
  const readsInFull = (name: string): boolean => {
    const full = fullReadsOf(name);
    if (full === "always") return true;
    if (full === "when-full-table") return fullTable.has(name);
    const parent = parentOf(name);
    if (full !== "when-parent-is" || parent === undefined) return false;
    return everyItem(parent, name) && childrenOfEvery(parent, name);
  };
  return { children, roots, lookups, isNeeded, versionFollowers, readsInFull };
}
