import { childCount, decodeChildMemory, encodedBytes } from "../src/deletions/child-memory.js";

/** What a sync's final STATE weighs, and what the remembered report children add to it (docs/deletions.md). */
export interface StateSize {
  /** Bytes of the STATE value, as written on its line. */
  readonly stateBytes: number;
  /** Bytes the `child_tokens` entries add (each `"<parent>":{...},`, as child-memory.ts measures them). */
  readonly childMemoryBytes: number;
  /** Children remembered across every parent. */
  readonly children: number;
}

export function stateSize(state: unknown): StateSize {
  const stateBytes = Buffer.byteLength(JSON.stringify(state ?? null), "utf8");
  let childMemoryBytes = 0;
  let children = 0;
  const bookmarks = (state as { bookmarks?: Record<string, { child_tokens?: Record<string, unknown> }> } | undefined)
    ?.bookmarks;
  for (const bookmark of Object.values(bookmarks ?? {})) {
    for (const [parent, encoded] of Object.entries(bookmark.child_tokens ?? {})) {
      childMemoryBytes += encodedBytes(parent, encoded as Record<string, string>);
      children += childCount(decodeChildMemory(encoded, parent));
    }
  }
  return { stateBytes, childMemoryBytes, children };
}
