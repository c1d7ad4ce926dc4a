/**
 * Replaces the expression list of each SELECT that names no subquery by `*`. Table references live in FROM, JOIN and
 * subqueries, never in a plain SELECT list, while node-sql-parser spends most of its time there (about half a
 * millisecond per expression: it is a PEG parser without memoisation, docs/lineage.md). The result is parsed first and
 * the original text only when that fails, so an elision can only spare time or rescue a list with syntax the grammar
 * lacks (LISTAGG … WITHIN GROUP, APPROXIMATE COUNT): tables are the same either way.
 *
 * A SELECT's list ends at the FROM at the same parenthesis depth; a list holding a SELECT (a scalar subquery), or
 * ending without FROM (INTO, UNION, a closing parenthesis, the end), is left as it is, and so is `IS DISTINCT FROM`.
 * Quoted strings and identifiers, comments and `$$` bodies are skipped.
 */
export function elideSelectLists(sql: string): string {
  interface Pending {
    readonly depth: number;
    readonly start: number;
    keep: boolean;
  }
  const cuts: [number, number][] = [];
  const pending: Pending[] = [];
  let depth = 0;
  let previousWord = "";
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql[i] as string;
    if (c === "'" || c === '"' || c === "`") {
      const end = sql.indexOf(c, i + 1);
      i = end < 0 ? n : end + 1;
    } else if (c === "[" && pending.length > 0) {
      const end = sql.indexOf("]", i + 1);
      i = end < 0 ? n : end + 1;
    } else if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? n : end + 1;
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "$" && /^\$[A-Za-z_]*\$/.test(sql.slice(i, i + 64))) {
      const tag = (/^\$[A-Za-z_]*\$/.exec(sql.slice(i, i + 64)) as RegExpExecArray)[0];
      const end = sql.indexOf(tag, i + tag.length);
      i = end < 0 ? n : end + tag.length;
    } else if (c === "(") {
      depth++;
      i++;
    } else if (c === ")" || c === ";") {
      // A list still open at this depth ends without FROM: leave it.
      while (pending.length > 0 && (pending.at(-1) as Pending).depth >= (c === ")" ? depth : 0)) pending.pop();
      if (c === ")") depth--;
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$]/.test(sql[j] as string)) j++;
      const word = sql.slice(i, j).toUpperCase();
      const top = pending.at(-1);
      if (word === "SELECT") {
        for (const p of pending) p.keep = true;
        pending.push({ depth, start: j, keep: false });
      } else if (top !== undefined && top.depth === depth) {
        if (word === "FROM" && previousWord !== "DISTINCT") {
          pending.pop();
          if (!top.keep) cuts.push([top.start, i]);
        } else if (["INTO", "UNION", "EXCEPT", "INTERSECT", "MINUS", "WHERE"].includes(word)) pending.pop();
      }
      previousWord = word;
      i = j;
    } else i++;
  }
  if (cuts.length === 0) return sql;
  let out = "";
  let from = 0;
  for (const [start, end] of cuts) {
    out += `${sql.slice(from, start)} * `;
    from = end;
  }
  return out + sql.slice(from);
}
