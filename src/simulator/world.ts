import type { WorkspaceState } from "./state.js";
import type { SqlTexts } from "./text.js";
import type { Tokens } from "./tokens.js";
import type { WorkspaceSize } from "./types.js";

/** What every derivation and body builder needs: seed, sizes, token codec, id style and the state. */
export interface World {
  readonly seed: number;
  readonly workspace: string;
  readonly size: Readonly<WorkspaceSize>;
  readonly tokens: Tokens;
  readonly integerIds: boolean;
  /** Query SQL, raw and rendered (memoised). */
  readonly sql: SqlTexts;
  readonly state: WorkspaceState;
}

/** Ids are JSON strings since ~January 2025 and integers before (docs/mode-api.md §2.2). */
export function idValue(world: World, id: number): string | number {
  return world.integerIds ? id : String(id);
}

/** Numeric id bases per kind, so ids look like Mode's and never repeat within a kind. */
export const IdBase = {
  space: 1_900_000,
  report: 2_900_000,
  query: 10_100_000,
  dataSource: 34_000,
  definition: 40_000,
  user: 745_000,
  filter: 61_000_000,
  queryRun: 1_800_000_000,
  addedQueryRun: 2 ** 44,
} as const;
