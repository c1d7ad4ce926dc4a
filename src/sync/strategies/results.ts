import type { JsonObject } from "../../json.js";
import type { ResultsPartition } from "../results/bookmarks.js";
import { extractReportResults } from "../results/report-results.js";
import { resultStreams } from "../results/streams.js";
import { optionalObject } from "../bookmark-fields.js";
import { parseCompletion, type CompletionMarkers } from "../completion.js";
import type { Strategy } from "../context.js";

/** Bookmark of a results stream: per report token, the run whose results were extracted. */
export interface ResultsBookmark extends CompletionMarkers {
  /** A malformed entry counts as "never extracted" (src/sync/results/bookmarks.ts): the report is extracted again. */
  readonly partitions?: Readonly<Record<string, ResultsPartition>>;
}

export function parseResultsBookmark(raw: JsonObject, field: string): ResultsBookmark {
  parseCompletion(raw, field);
  optionalObject(raw, "partitions", field);
  return raw as ResultsBookmark;
}

/**
 * `results`: report result rows (src/sync/results/). Not read under its catalog parent (query runs): the reports come
 * from the config's `report_results`, so it runs as a phase of its own at the top of the walk, after the tree and the
 * workspace lists, reading the lists up its parent chain (reports, runs, query runs) only for those reports. A report
 * that fails does not stop the sync: the failures end the run non-zero after its final STATE.
 */
export const results: Strategy<ResultsBookmark> = {
  kind: "results",
  placement: { at: "root", phase: (definition) => definition.name, order: 2 },
  followsParentVersion: false,
  parseBookmark: parseResultsBookmark,
  open(ctx, definition) {
    const streams = resultStreams(definition, ctx.definitions);
    return Promise.resolve({
      definition,
      async visit() {
        if (!ctx.selected.has(definition.name)) return;
        const failure = await extractReportResults(ctx, streams);
        if (failure !== undefined) ctx.failAfterSync(failure);
      },
      finish: () => Promise.resolve(),
    });
  },
};
