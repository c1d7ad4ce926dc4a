import type { JsonObject } from "../json.js";

/**
 * Memory of a changed parent's children between syncs, so a child Mode no longer lists can be emitted once with
 * `_sdc_deleted_at` (docs/deletions.md "Children of a changed report"). Pure: the sync engine keeps the encoded value
 * in the state per parent (one JSON object per report) and calls `childDeletions` after re-reading the children.
 *
 * Encoding, kept small because it is stored for every report: one string per child stream, stream names as keys,
 * streams without children left out.
 * - a flat child stream (queries, report_filters, ...): its tokens joined by ",": `"q1,q2"`;
 * - a stream grouped under another child (charts under their query): groups joined by ";", each the grouping token,
 *   ":" and the grouped tokens joined by ",": `"q1:c1,c2;q2:c3"`.
 * Mode tokens are 12 lowercase hex characters, so a remembered child costs 13 bytes (its token and a separator) plus
 * its share of the stream's key; `encodedBytes` measures it.
 */

/** One child seen under a parent: its stream, token and, for grouped streams, the token of the child it belongs to. */
export interface RememberedChild {
  readonly stream: string;
  readonly token: string;
  /** The grouping child's token (a chart's query); absent for children of the parent itself. */
  readonly under?: string;
}

/** The children of one parent, as remembered: stream -> token -> grouping token ("" when the stream is flat). */
export type ChildMemory = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** Characters a token may contain: Mode's tokens are hex; anything that cannot clash with the separators is kept. */
const TOKEN = /^[A-Za-z0-9_.-]+$/;

export class ChildMemoryError extends Error {}

/** Builds the memory of what was seen. Throws on a token the encoding cannot carry (it names stream and token). */
export function rememberChildren(children: Iterable<RememberedChild>): ChildMemory {
  const memory = new Map<string, Map<string, string>>();
  for (const { stream, token, under } of children) {
    checkToken(token, stream);
    if (under !== undefined) checkToken(under, stream);
    let tokens = memory.get(stream);
    if (!tokens) memory.set(stream, (tokens = new Map()));
    tokens.set(token, under ?? "");
  }
  for (const [stream, tokens] of memory) {
    const grouped = [...tokens.values()].filter((u) => u !== "").length;
    if (grouped !== 0 && grouped !== tokens.size)
      throw new ChildMemoryError(`${stream}: some children have a grouping token and some do not`);
  }
  return memory;
}

function checkToken(token: string, stream: string): void {
  if (!TOKEN.test(token)) throw new ChildMemoryError(`${stream}: token ${JSON.stringify(token)} cannot be remembered`);
}

/** The state value of one parent's memory (see the encoding above). Streams are written in name order. */
export function encodeChildMemory(memory: ChildMemory): JsonObject {
  const out: JsonObject = {};
  for (const stream of [...memory.keys()].sort()) {
    const tokens = memory.get(stream);
    if (!tokens || tokens.size === 0) continue;
    const groups = new Map<string, string[]>();
    for (const [token, under] of tokens) {
      let list = groups.get(under);
      if (!list) groups.set(under, (list = []));
      list.push(token);
    }
    const flat = groups.get("");
    out[stream] = flat ? flat.join(",") : [...groups].map(([under, list]) => `${under}:${list.join(",")}`).join(";");
  }
  return out;
}

/**
 * Reads one parent's memory back from the state. `field` is where it was found (e.g.
 * `bookmarks.reports.children.0123456789ab`); a malformed value throws one ChildMemoryError naming it.
 */
export function decodeChildMemory(value: unknown, field: string): ChildMemory {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ChildMemoryError(`state field ${field} must be an object of child stream -> tokens`);
  const memory = new Map<string, Map<string, string>>();
  for (const [stream, encoded] of Object.entries(value as Record<string, unknown>)) {
    const where = `state field ${field}.${stream}`;
    if (typeof encoded !== "string" || encoded === "")
      throw new ChildMemoryError(`${where} must be a non-empty string of tokens`);
    const tokens = new Map<string, string>();
    const grouped = encoded.includes(":");
    for (const group of grouped ? encoded.split(";") : [encoded]) {
      let under = "";
      let list = group;
      if (grouped) {
        const colon = group.indexOf(":");
        under = group.slice(0, colon);
        list = group.slice(colon + 1);
        if (colon < 0 || !TOKEN.test(under)) throw new ChildMemoryError(`${where} has a malformed group "${group}"`);
      }
      for (const token of list.split(",")) {
        if (!TOKEN.test(token)) throw new ChildMemoryError(`${where} has a malformed token list "${list}"`);
        tokens.set(token, under);
      }
    }
    memory.set(stream, tokens);
  }
  return memory;
}

/** What re-reading a parent's children found. */
export interface ChildReading {
  readonly seen: ChildMemory;
  /**
   * Child streams whose listings all completed for this parent. Only these can reveal a deletion; the memory of the
   * others is kept (merged with what was seen), so a failed or skipped listing deletes nothing.
   */
  readonly complete: ReadonlySet<string>;
}

export interface ChildDiff {
  /** Children remembered and no longer listed, stream by stream in name order, tokens in remembered order. */
  readonly gone: readonly RememberedChild[];
  /** The memory to store for the next sync. */
  readonly next: ChildMemory;
}

/** Compares the remembered children with a fresh reading. */
export function childDeletions(previous: ChildMemory, reading: ChildReading): ChildDiff {
  const gone: RememberedChild[] = [];
  const next = new Map<string, Map<string, string>>();
  for (const [stream, tokens] of reading.seen) next.set(stream, new Map(tokens));
  for (const stream of [...previous.keys()].sort()) {
    const before = previous.get(stream) ?? new Map<string, string>();
    const now = reading.seen.get(stream);
    if (reading.complete.has(stream)) {
      for (const [token, under] of before)
        if (!now?.has(token)) gone.push(under === "" ? { stream, token } : { stream, token, under });
      continue;
    }
    let kept = next.get(stream);
    if (!kept) next.set(stream, (kept = new Map()));
    for (const [token, under] of before) if (!kept.has(token)) kept.set(token, under);
  }
  for (const [stream, tokens] of next) if (tokens.size === 0) next.delete(stream);
  return { gone, next };
}

/** The raw record announcing a child's deletion; the engine adds the parent keys from the child's context. */
export function deletionRecord(token: string, deletedAt: string): { token: string; _sdc_deleted_at: string } {
  return { token, _sdc_deleted_at: deletedAt };
}

/** Bytes the encoded memory adds to the STATE line under its parent's token: `"<parent>":{...},` in UTF-8. */
export function encodedBytes(parentToken: string, encoded: JsonObject): number {
  return Buffer.byteLength(`${JSON.stringify(parentToken)}:${JSON.stringify(encoded)},`, "utf8");
}

/** Number of children a memory holds. */
export function childCount(memory: ChildMemory): number {
  let n = 0;
  for (const tokens of memory.values()) n += tokens.size;
  return n;
}
