import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "./support/run-cli.js";

/**
 * The project explains itself: comments, docs and fixtures cite the project's own docs (docs/mode-api.md,
 * docs/singer-notes.md, docs/house-style.md) or public pages, never research notes a clone does not have, and every
 * "docs/<file>.md §N" names a section that exists. Nothing reads those notes at run or test time either.
 */

const ROOTS = ["src", "test", "bench", "docs", "meltano", "README.md"];
const TEXT = /\.(ts|js|mjs|json|jsonl|md|ya?ml|txt)$/;
const SKIPPED_DIRS = new Set(["node_modules", "dist", join("bench", "results")]);
/** This file shows the forms it forbids. */
const THIS_FILE = join("test", "docs-citations.test.ts");

/** What may separate a designator from its section sign: spaces, or a comment's line break and leading marker. */
const GAP = String.raw`(?:[ \t]|\n[ \t]*(?:\*(?!/)|//|#)?[ \t]*)+`;
/** JSON files may write the section sign as an escape. */
const SECTION = String.raw`(?:§|\\u00a7)`;

/**
 * Citations of anything a clone does not have, in general forms rather than a list of past offenders: a Markdown file
 * outside docs/ cited by section, a named set of notes or style rules cited by section or practice number, a short
 * hyphenated name standing for a document cited by section, a path on the machine the project was written on, and a
 * relative path that leads out of the checkout. RFCs and the project's own docs/<file>.md are the citations allowed.
 */
const OUTSIDE_CITATION = new RegExp(
  [
    String.raw`(?<![\w/.-])(?!docs/)[\w-]+(?:/[\w-]+)*\.md` + GAP + SECTION,
    String.raw`\b[\w-]+ (?:notes|style)` + GAP + String.raw`(?:` + SECTION + String.raw`|practice\b)`,
    String.raw`(?<![\w/.-])[a-z]+-[a-z]+` + GAP + SECTION,
    String.raw`(?<![\w.-])/work/`,
  ].join("|"),
  "g",
);

/** "docs/mode-api.md §2.4", with the sections listed after it ("§3.13, §7.4", "§3.8 and §3.15"). */
const DOCS_CITATION = new RegExp(
  String.raw`docs/([\w-]+)\.md` +
    GAP +
    SECTION +
    String.raw`(\d+(?:\.\d+)*(?:(?:,` +
    GAP +
    "|" +
    GAP +
    "and" +
    GAP +
    ")" +
    SECTION +
    String.raw`\d+(?:\.\d+)*)*)`,
  "g",
);

function textFiles(): string[] {
  const found: string[] = [];
  const walk = (rel: string): void => {
    const full = join(PROJECT_ROOT, rel);
    if (statSync(full).isDirectory()) {
      if (SKIPPED_DIRS.has(rel) || SKIPPED_DIRS.has(rel.split(sep).pop() ?? "")) return;
      for (const name of readdirSync(full).sort()) walk(join(rel, name));
    } else if (TEXT.test(rel) && rel !== THIS_FILE) found.push(rel);
  };
  for (const root of ROOTS) walk(root);
  return found;
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split("\n").length;
}

/** Relative paths ("../…"); a citation of something outside when, resolved from the file's folder, it leaves the root. */
const RELATIVE_PATH = /(?<![\w.])(?:\.\.\/)+[\w.-]+(?:\/[\w.-]+)*/g;

/** Every citation of something outside the repository, as "file:line: text". */
function outsideCitations(file: string, text: string): string[] {
  const outside = [...text.matchAll(OUTSIDE_CITATION)];
  for (const m of text.matchAll(RELATIVE_PATH)) {
    const target = resolve(PROJECT_ROOT, dirname(file), m[0]);
    if (relative(PROJECT_ROOT, target).startsWith("..")) outside.push(m);
  }
  return outside.map((m) => `${file}:${lineOf(text, m.index)}: ${m[0].trim()}`);
}

/**
 * The section numbers a Markdown document's headings carry ("## 2.4 Pagination" → "2.4", "## 3. Endpoints" → "3").
 */
function headingNumbers(markdown: string): Set<string> {
  const numbers = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6}[ \t]+(\d+(?:\.\d+)*)\.?[ \t]/gm)) numbers.add(m[1] ?? "");
  return numbers;
}

/** Every "docs/<doc>.md §N" citation whose doc or section does not exist, as "file:line: docs/<doc>.md §N". */
function unresolvedCitations(
  file: string,
  text: string,
  sectionsOf: (doc: string) => Set<string> | undefined,
): { checked: number; unresolved: string[] } {
  let checked = 0;
  const unresolved: string[] = [];
  for (const m of text.matchAll(DOCS_CITATION)) {
    const doc = m[1] ?? "";
    const sections = sectionsOf(doc);
    for (const number of (m[2] ?? "").match(/\d+(?:\.\d+)*/g) ?? []) {
      checked++;
      if (!sections?.has(number)) unresolved.push(`${file}:${lineOf(text, m.index)}: docs/${doc}.md §${number}`);
    }
  }
  return { checked, unresolved };
}

const files = textFiles().map((file) => ({ file, text: readFileSync(join(PROJECT_ROOT, file), "utf8") }));

const docSections = new Map<string, Set<string> | undefined>();
function sectionsOf(doc: string): Set<string> | undefined {
  if (!docSections.has(doc)) {
    const entry = files.find((f) => f.file === join("docs", `${doc}.md`));
    docSections.set(doc, entry === undefined ? undefined : headingNumbers(entry.text));
  }
  return docSections.get(doc);
}

describe("citations", () => {
  it("recognises citations of outside notes and resolves docs citations against headings", () => {
    expect(outsideCitations("x.ts", "// see (vendor-api notes §3.3, §2.4)")).toHaveLength(1);
    expect(outsideCitations("x.ts", "/** HAL links (vendor-api\n * §2.1) */")).toHaveLength(1);
    expect(outsideCitations("x.ts", "(guide.md §3.8), team style practice 1, per team style §4")).toHaveLength(3);
    expect(outsideCitations("x.json", '"source": "read from /work/notes/swagger-data.json"')).toHaveLength(1);
    expect(outsideCitations("x.ts", 'readFileSync("../notes/api.md")')).toHaveLength(1);
    expect(
      outsideCitations(
        "x.ts",
        "(docs/mode-api.md §2.4, docs/house-style.md §8, docs/singer-notes.md §1.5, RFC 9110 §8.4, (§3.9))",
      ),
    ).toEqual([]);
    const docs = (doc: string) =>
      doc === "mode-api" ? headingNumbers("# T\n## 2. Conventions\n### 2.4 Pages\n") : undefined;
    expect(unresolvedCitations("x.ts", "(docs/mode-api.md §2.4, §2)", docs)).toEqual({ checked: 2, unresolved: [] });
    expect(unresolvedCitations("x.ts", "(docs/mode-api.md\n * §2.5 and §2.4)", docs).unresolved).toEqual([
      "x.ts:1: docs/mode-api.md §2.5",
    ]);
    expect(unresolvedCitations("x.json", '"docs/nope.md \\u00a71"', docs).unresolved).toEqual([
      "x.json:1: docs/nope.md §1",
    ]);
  });

  it("cites no research notes outside the repository in src, test, bench, docs, meltano or README", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap(({ file, text }) => outsideCitations(file, text))).toEqual([]);
  });

  it("resolves every docs/<file>.md §N citation to a numbered heading of that doc", () => {
    let checked = 0;
    const unresolved: string[] = [];
    for (const { file, text } of files) {
      const result = unresolvedCitations(file, text, sectionsOf);
      checked += result.checked;
      unresolved.push(...result.unresolved);
    }
    expect(unresolved).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });

  it("has the docs the code cites, with their section headings", () => {
    for (const doc of ["mode-api", "singer-notes", "house-style"])
      expect(sectionsOf(doc)?.size ?? 0, doc).toBeGreaterThan(5);
  });
});
