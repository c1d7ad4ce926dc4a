/**
 * "Did you mean …?" for a misspelt name (a config key, a stream). Names are compared without case, `_` and `-` (so
 * `apiToken` and `api-token` find `api_token`) by optimal-string-alignment distance: insertions, deletions,
 * substitutions and swaps of two neighbouring letters (`worksapce` is one swap from `workspace`) each count 1.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = normalise(name);
  // Short names tolerate one edit, longer ones one per four letters, at most three.
  const allowed = Math.min(3, Math.max(1, Math.floor(wanted.length / 4)));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalise(candidate));
    if (distance <= allowed && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, "");
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), in O(a * b). */
export function editDistance(a: string, b: string): number {
  // rows[i][j]: distance between the first i letters of a and the first j of b.
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, at(i - 2, j - 2) + 1);
      row[j] = d;
    }
  }
  return at(a.length, b.length);
}
