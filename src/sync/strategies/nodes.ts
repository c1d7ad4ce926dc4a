import type { StreamContext, StreamDefinition } from "../../streams/types.js";
import type { ParentNode, StreamWalk } from "../context.js";
import type { Unit } from "../output.js";
import type { TaskPool } from "../task-pool.js";

/** The node children of one item see: the item's context for its children, its token, the unit they join. */
export function childNode(
  parent: StreamDefinition,
  item: Readonly<Record<string, unknown>>,
  context: StreamContext,
  unit: Unit | undefined,
  changedFor: (child: StreamDefinition) => boolean = () => true,
  pool?: TaskPool,
): ParentNode {
  return {
    parent,
    item,
    token: tokenIfAny(item),
    context: parent.childContext === undefined ? context : { ...context, ...parent.childContext(item) },
    unit,
    changedFor,
    ...(pool === undefined ? {} : { pool }),
  };
}

/** Hands one item of `parent` to each child walk in turn (nothing when there are none). */
export async function visitChildren(
  children: readonly StreamWalk[],
  parent: StreamDefinition,
  item: Readonly<Record<string, unknown>>,
  context: StreamContext,
  unit: Unit | undefined,
  changedFor?: (child: StreamDefinition) => boolean,
): Promise<void> {
  if (children.length === 0) return;
  const node = childNode(parent, item, context, unit, changedFor);
  for (const child of children) await child.visit(node);
}

/** The item's token, or "" for an item without one (a child that needs it fails where it builds its path). */
function tokenIfAny(item: Readonly<Record<string, unknown>>): string {
  const token = item.token;
  return typeof token === "string" ? token : typeof token === "number" ? String(token) : "";
}

/** `key=value` pairs of a context but the workspace, to name a parent in a message. */
export function describeContext(context: StreamContext): string {
  return Object.entries(context)
    .filter(([k]) => k !== "workspace")
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}
