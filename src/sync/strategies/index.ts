import type { WalkKind } from "../../streams/types.js";
import type { Strategy } from "../context.js";
import { derived } from "./derived.js";
import { discoveryList } from "./discovery-list.js";
import { partitionList } from "./partition-list.js";
import { results } from "./results.js";
import { runPartitioned } from "./run-partitioned.js";
import { timeWindow } from "./time-window.js";
import { versionedParent } from "./versioned-parent.js";
import { withParent } from "./with-parent.js";
import { workspaceList } from "./workspace-list.js";

/** Every walk strategy by the `walk` name stream definitions use (the one place a new walk kind is registered). */
export const STRATEGIES: Readonly<Record<WalkKind, Strategy>> = {
  "workspace-list": workspaceList,
  "partition-list": partitionList,
  "versioned-parent": versionedParent,
  "with-parent": withParent,
  "run-partitioned": runPartitioned,
  "time-window": timeWindow,
  results,
  derived,
  "discovery-list": discoveryList,
};

export function strategyOf(kind: WalkKind): Strategy {
  return STRATEGIES[kind];
}
