import type { DeletedEntities, MemberState, QueryState } from "./state.js";
import type { World } from "./world.js";

/**
 * What is still there after deletion mutations. Workspace-level entities and charts are derived from indexes and
 * positions, so a deletion is a mark (state.deleted, QueryState.deletedCharts) that every listing, detail route and
 * the truth filter through here. Tokens stay those of the original index or position.
 */

function liveIndexes(count: number, deleted: ReadonlySet<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (!deleted.has(i)) out.push(i);
  return out;
}

/** Workspace-level kinds that can be deleted by index. */
export type DeletableKind = Exclude<keyof DeletedEntities, "members">;

const COUNT: Record<DeletableKind, (world: World) => number> = {
  groups: (world) => world.size.groups,
  dataSources: (world) => world.size.dataSources,
  definitions: (world) => world.size.definitions,
};

/** Indexes of the groups, data sources or definitions not deleted. */
export function liveOf(world: World, kind: DeletableKind): number[] {
  return liveIndexes(COUNT[kind](world), world.state.deleted[kind]);
}

/** Whether index `i` of `kind` exists and is not deleted (detail routes answer 404 otherwise). */
export function isLive(world: World, kind: DeletableKind, i: number | undefined): i is number {
  return i !== undefined && i < COUNT[kind](world) && !world.state.deleted[kind].has(i);
}

/** Members of the workspace not removed. */
export function liveMembers(world: World): MemberState[] {
  return world.state.members.filter((m) => !world.state.deleted.members.has(m.index));
}

/**
 * The memberships (of a space or group) whose member is still in the workspace, each with its original position, so
 * the tokens of the others do not change when one member is removed.
 */
export function liveMemberships(
  world: World,
  memberIndexes: readonly number[],
): Array<{ position: number; member: number }> {
  return memberIndexes
    .map((member, position) => ({ position, member }))
    .filter(({ member }) => !world.state.deleted.members.has(member));
}

/** Positions of a query's charts not deleted. */
export function liveChartPositions(query: QueryState): number[] {
  return liveIndexes(query.charts, query.deletedCharts ?? new Set());
}
