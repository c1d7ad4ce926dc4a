import type { MemberState } from "../state.js";
import type { World } from "../world.js";

/** What a body builder gets: the world plus per-request values for the volatile signed fields. */
export interface BodyContext {
  readonly world: World;
  /**
   * Differs on every request, so `web_preview_image` and `flamingo_signature` change every fetch
   * (docs/mode-api.md §7.7).
   */
  readonly nonce: number;
  /** Clock time of the request (volatile fields only; never in generated timestamps). */
  readonly now: number;
}

/** `/api/{ws}/a/b`: links are root-relative paths (docs/mode-api.md §2.1). */
export function apiPath(world: World, ...segments: readonly string[]): string {
  return segments.length === 0 ? `/api/${world.workspace}` : `/api/${world.workspace}/${segments.join("/")}`;
}

// `rest` joined below `base` (path builders are hot: a list page carries hundreds of links).
function under(base: string, rest: readonly string[]): string {
  return rest.length === 0 ? base : `${base}/${rest.join("/")}`;
}

/** Mode's links say `collections` where requests say `spaces` (docs/mode-api.md §1.1, DataHub fixtures). */
export function spacePath(world: World, spaceToken: string, ...rest: readonly string[]): string {
  return under(`/api/${world.workspace}/collections/${spaceToken}`, rest);
}

export function reportPath(world: World, reportToken: string, ...rest: readonly string[]): string {
  return under(`/api/${world.workspace}/reports/${reportToken}`, rest);
}

/** A user is linked as `/api/{username}` (`creator` links, docs/mode-api.md §2.1). */
export function userPath(member: MemberState | undefined): string {
  return `/api/${member?.username ?? "unknown"}`;
}

export function memberOf(world: World, index: number): MemberState | undefined {
  return world.state.members[index];
}
