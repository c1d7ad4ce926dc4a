import { hash32, mix32 } from "./random.js";
import type { QueryRunView } from "./runs.js";
import type { SqlVariant } from "./state.js";
import type { World } from "./world.js";

/**
 * Query-run results (docs/mode-api.md §5): `content.json` is a JSON array of row objects, `content.csv` a
 * header line plus rows. Rows are a pure function of (seed, query run, row index) and are generated
 * chunk by chunk while the response is written, so a 1 GB result is never held in memory.
 */
export type ColumnType = "integer" | "string" | "number" | "timestamp" | "boolean";

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

const COLUMNS: Readonly<Record<SqlVariant, readonly Column[]>> = {
  plain: [
    { name: "id", type: "integer" },
    { name: "customer_name", type: "string" },
    { name: "amount", type: "number" },
    { name: "created_at", type: "timestamp" },
    { name: "is_active", type: "boolean" },
  ],
  long: [
    { name: "bucket_0", type: "number" },
    { name: "bucket_1", type: "number" },
    { name: "total_rows", type: "integer" },
  ],
  unicode: [
    { name: "id", type: "integer" },
    { name: "顧客名", type: "string" },
    { name: "Betrag €", type: "number" },
    { name: "created_at", type: "timestamp" },
    { name: "is_active", type: "boolean" },
  ],
  liquid: [
    { name: "id", type: "integer" },
    { name: "state", type: "string" },
    { name: "amount", type: "number" },
    { name: "created_at", type: "timestamp" },
    { name: "is_active", type: "boolean" },
    { name: "note", type: "string" },
  ],
};

export function resultColumns(queryRun: QueryRunView): readonly Column[] {
  return COLUMNS[queryRun.query.sql];
}

// Names that need CSV quoting or careful JSON escaping.
const NAMES = [
  "Ada Lovelace",
  "O'Brien, Ltd.",
  'The "Quoted" Co',
  "Zoë Müller 🎉",
  "multi\nline",
  "山田太郎",
  "Grace Hopper",
  "Alan Turing",
  "Barbara Liskov",
  "  padded  ",
];
const STATES = ["CA", "GA", "NY"];
const NOTES = Array.from({ length: 97 }, (_, i) => `note ${i}`);
const ROW_EPOCH = Date.UTC(2024, 0, 1);
const MINUTE_MS = 60_000;

type Cell = string | number | boolean | null;

function csvField(value: Cell): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// A string cell from a fixed list, pre-escaped for both formats (rows are hot: millions per result).
interface Choice {
  readonly value: string;
  readonly csv: string;
  readonly json: string;
}
const choices = (list: readonly string[]): readonly Choice[] =>
  list.map((value) => ({ value, csv: csvField(value), json: JSON.stringify(value) }));
const NAME_CHOICES = choices(NAMES);
const STATE_CHOICES = choices(STATES);
const NOTE_CHOICES = choices(NOTES);

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

// ISO timestamps of rows: row r is minute r after 2024-01-01 plus a jitter below one minute.
class RowClock {
  private day = -1;
  private prefix = "";

  iso(ms: number): string {
    const day = Math.floor(ms / 86_400_000);
    if (day !== this.day) {
      this.day = day;
      this.prefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
    }
    const inDay = ms - day * 86_400_000;
    const h = Math.floor(inDay / 3_600_000);
    const m = Math.floor((inDay % 3_600_000) / MINUTE_MS);
    const sec = Math.floor((inDay % MINUTE_MS) / 1000);
    return `${this.prefix}${pad2(h)}:${pad2(m)}:${pad2(sec)}.${pad3(inDay % 1000)}Z`;
  }
}

// Renders one cell of `row` as CSV or JSON text.
function cellText(rowHash: number, row: number, col: number, column: Column, clock: RowClock, csv: boolean): string {
  const h = mix32(rowHash ^ Math.imul(col + 1, 0x85eb_ca6b));
  switch (column.type) {
    case "integer":
      return String(column.name === "id" ? row + 1 : h % 100_000);
    case "number": {
      // Two decimals from integers: much faster than formatting a double, same JSON value.
      const cents = h % 10_000_000;
      return `${Math.floor(cents / 100)}.${pad2(cents % 100)}`;
    }
    case "timestamp": {
      const iso = clock.iso(ROW_EPOCH + row * MINUTE_MS + (h % MINUTE_MS));
      return csv ? iso : `"${iso}"`;
    }
    case "boolean":
      return h % 2 === 0 ? "true" : "false";
    case "string": {
      let choice: Choice | undefined;
      if (column.name === "note") {
        if (h % 5 === 0) return csv ? "" : "null";
        choice = NOTE_CHOICES[h % 97];
      } else if (column.name === "state") choice = STATE_CHOICES[h % STATE_CHOICES.length];
      else choice = NAME_CHOICES[h % NAME_CHOICES.length];
      return csv ? (choice?.csv ?? "") : (choice?.json ?? "null");
    }
  }
}

function rowHashOf(world: World, queryRun: QueryRunView, row: number): number {
  return hash32(world.seed, queryRun.id, row);
}

const CHUNK_CHARS = 64 * 1024;

/** The JSON body: `[{"col": value, ...}, ...]`, in chunks of about 64 KB. */
export function* jsonChunks(world: World, queryRun: QueryRunView, rows: number): Generator<string> {
  const columns = resultColumns(queryRun);
  const keys = columns.map((c, i) => `${i === 0 ? "{" : ","}${JSON.stringify(c.name)}:`);
  const clock = new RowClock();
  let buffer = "[";
  for (let r = 0; r < rows; r++) {
    const rowHash = rowHashOf(world, queryRun, r);
    let text = r === 0 ? "" : ",";
    for (let c = 0; c < columns.length; c++)
      text += (keys[c] as string) + cellText(rowHash, r, c, columns[c] as Column, clock, false);
    buffer += `${text}}`;
    if (buffer.length >= CHUNK_CHARS) {
      yield buffer;
      buffer = "";
    }
  }
  yield `${buffer}]`;
}

/** The CSV body: a header line, then one line per row (RFC 4180 quoting). */
export function* csvChunks(world: World, queryRun: QueryRunView, rows: number): Generator<string> {
  const columns = resultColumns(queryRun);
  const clock = new RowClock();
  let buffer = `${columns.map((c) => csvField(c.name)).join(",")}\n`;
  for (let r = 0; r < rows; r++) {
    const rowHash = rowHashOf(world, queryRun, r);
    let line = "";
    for (let c = 0; c < columns.length; c++)
      line += (c === 0 ? "" : ",") + cellText(rowHash, r, c, columns[c] as Column, clock, true);
    buffer += `${line}\n`;
    if (buffer.length >= CHUNK_CHARS) {
      yield buffer;
      buffer = "";
    }
  }
  if (buffer.length > 0) yield buffer;
}

/** Row `row` as an object, exactly as `content.json` serves it (tests compare a sync's rows with this). */
export function resultRow(world: World, queryRun: QueryRunView, row: number): Record<string, Cell> {
  const columns = resultColumns(queryRun);
  const rowHash = rowHashOf(world, queryRun, row);
  const clock = new RowClock();
  return Object.fromEntries(
    columns.map((c, i) => [c.name, JSON.parse(cellText(rowHash, row, i, c, clock, false)) as Cell]),
  );
}
