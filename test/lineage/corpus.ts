import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { LineageExtractor, QueryLineage } from "../../src/lineage/extract.js";
import { PROJECT_ROOT } from "../support/run-cli.js";

/** One query of the lineage corpus (test/fixtures/lineage/README.md). */
export interface CorpusQuery {
  readonly file: string;
  readonly id: string;
  readonly adapter: string | null;
  readonly sql: string;
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  readonly errors: boolean;
  readonly definitions: Readonly<Record<string, string>>;
}

export const CORPUS_DIR = join(PROJECT_ROOT, "test", "fixtures", "lineage");

export function loadCorpus(dir = CORPUS_DIR): CorpusQuery[] {
  const out: CorpusQuery[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()) {
    const doc = parse(readFileSync(join(dir, file), "utf8")) as {
      definitions?: Record<string, string>;
      queries: {
        id: string;
        adapter: string | null;
        sql: string;
        reads?: string[];
        writes?: string[];
        errors?: boolean;
      }[];
    };
    for (const q of doc.queries)
      out.push({
        file,
        id: q.id,
        adapter: q.adapter,
        sql: q.sql,
        reads: q.reads ?? [],
        writes: q.writes ?? [],
        errors: q.errors ?? false,
        definitions: doc.definitions ?? {},
      });
  }
  return out;
}

/** "read a.b.c" keys, lower-cased (the corpus lists names unquoted). */
export function expectedKeys(query: CorpusQuery): Set<string> {
  return new Set([
    ...query.reads.map((t) => `read ${t.toLowerCase()}`),
    ...query.writes.map((t) => `write ${t.toLowerCase()}`),
  ]);
}

export function foundKeys(lineage: QueryLineage): Set<string> {
  return new Set(
    lineage.tables.map(
      (t) =>
        `${t.operation} ${[t.database, t.schema, t.table]
          .filter((p) => p !== null)
          .join(".")
          .toLowerCase()}`,
    ),
  );
}

export interface CorpusScore {
  readonly queries: number;
  readonly expected: number;
  readonly found: number;
  readonly correct: number;
  readonly precision: number;
  readonly recall: number;
  /** Queries whose tables differ: id, missed and extra keys, errors. */
  readonly misses: { id: string; missed: string[]; extra: string[]; errors: readonly string[] }[];
}

export function scoreCorpus(extractor: LineageExtractor, corpus: readonly CorpusQuery[]): CorpusScore {
  let expected = 0;
  let found = 0;
  let correct = 0;
  const misses: CorpusScore["misses"] = [];
  for (const query of corpus) {
    const lineage = extractor.extract({
      sql: query.sql,
      adapter: query.adapter,
      definition: (name) => query.definitions[name],
    });
    const want = expectedKeys(query);
    const got = foundKeys(lineage);
    const hit = [...got].filter((k) => want.has(k)).length;
    expected += want.size;
    found += got.size;
    correct += hit;
    const missed = [...want].filter((k) => !got.has(k));
    const extra = [...got].filter((k) => !want.has(k));
    if (missed.length > 0 || extra.length > 0) misses.push({ id: query.id, missed, extra, errors: lineage.errors });
  }
  return {
    queries: corpus.length,
    expected,
    found,
    correct,
    precision: found === 0 ? 0 : correct / found,
    recall: expected === 0 ? 0 : correct / expected,
    misses,
  };
}
