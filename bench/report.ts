/** The benchmark's table: rows of figures with their targets, printed aligned and kept as JSON. */

export type Status = "met" | "MISSED" | "";

export interface Row {
  readonly section: string;
  readonly figure: string;
  readonly value: string;
  readonly target: string;
  readonly status: Status;
  /** A line of explanation under the previous figure, printed as is (not aligned). */
  readonly note?: boolean;
}

/** A figure without a target. */
export function row(section: string, figure: string, value: string): Row {
  return { section, figure, value, target: "", status: "" };
}

/** An explanation under the figure before it. */
export function note(section: string, text: string): Row {
  return { section, figure: text, value: "", target: "", status: "", note: true };
}

/** A figure checked against a target. */
export function checked(section: string, figure: string, value: string, target: string, met: boolean): Row {
  return { section, figure, value, target, status: met ? "met" : "MISSED" };
}

export const integer = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString("en") : "n/a");
export const fixed = (n: number, digits: number): string => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
export const megabytes = (bytes: number): string =>
  Number.isFinite(bytes) ? `${(bytes / 1_048_576).toFixed(1)} MB` : "n/a";
export const seconds = (s: number): string => (Number.isFinite(s) ? `${s.toFixed(1)} s` : "n/a");

/** The rows as an aligned text table (sections separated by a blank line). */
export function formatTable(rows: readonly Row[]): string {
  const headers: Row = { section: "", figure: "figure", value: "value", target: "target", status: "" };
  const figures = rows.filter((r) => r.note !== true);
  const width = (key: "figure" | "value" | "target"): number =>
    Math.max(...[headers, ...figures].map((r) => r[key].length));
  const w = { figure: width("figure"), value: width("value"), target: width("target") };
  const line = (r: Row): string =>
    `  ${r.figure.padEnd(w.figure)}  ${r.value.padStart(w.value)}  ${r.target.padEnd(w.target)}  ${r.status}`.trimEnd();
  const out: string[] = [line(headers), `  ${"-".repeat(w.figure + w.value + w.target + 12)}`];
  let section: string | undefined;
  for (const r of rows) {
    if (r.section !== section) {
      if (section !== undefined) out.push("");
      out.push(r.section);
      section = r.section;
    }
    out.push(r.note === true ? `      ${r.figure}` : line(r));
  }
  return out.join("\n");
}

/** Where two per-stream request counts differ: "runs 983 vs 1,000 (-17)". */
export function differences(
  actual: Readonly<Record<string, number>>,
  expected: Readonly<Record<string, number>>,
): string[] {
  const streams = [...new Set([...Object.keys(actual), ...Object.keys(expected)])].sort();
  const out: string[] = [];
  for (const stream of streams) {
    const a = actual[stream] ?? 0;
    const e = expected[stream] ?? 0;
    if (a !== e) out.push(`${stream} ${integer(a)} vs ${integer(e)} (${a > e ? "+" : ""}${integer(a - e)})`);
  }
  return out;
}
