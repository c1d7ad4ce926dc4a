/**
 * A reader for the small block-style YAML subset the files under meltano/ are written in (no YAML library is installed):
 *
 * - block mappings `key: value` / `key:` with a nested block, and block sequences `- item`, including `- key: value`
 *   items and a sequence at the same indentation as its key (`settings:\n- name: …`);
 * - scalars: double-quoted (JSON escapes), single-quoted, and plain (`true`, `false`, `null`, `~`, integers, decimals,
 *   otherwise a string); flow sequences of scalars `[a, "b"]`;
 * - full-line comments and ` # comment` after a value; a leading `---`.
 *
 * Anything else (block scalars `|` `>`, anchors, aliases, tags, flow mappings, tabs, plain scalars that YAML would read
 * differently) throws an error naming the line, so what this reader accepts reads the same in a real YAML parser.
 */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  readonly number: number;
  readonly indent: number;
  readonly text: string;
}

const KEY = /^([A-Za-z_][A-Za-z0-9_.-]*):(?:[ ]+(.*))?$/;

export function parseYamlSubset(source: string): YamlValue {
  const lines: Line[] = [];
  source.split("\n").forEach((raw, index) => {
    if (raw.includes("\t")) throw new Error(`line ${index + 1}: tabs are not allowed`);
    const text = raw.trimEnd();
    const trimmed = text.trimStart();
    if (trimmed === "" || trimmed.startsWith("#") || (index === 0 && trimmed === "---")) return;
    lines.push({ number: index + 1, indent: text.length - trimmed.length, text: trimmed });
  });
  if (lines.length === 0) return null;
  const first = lines[0] as Line;
  if (first.indent !== 0) throw new Error(`line ${first.number}: the document must start at column 1`);
  const [value, next] = parseBlock(lines, 0, 0);
  if (next < lines.length) throw new Error(`line ${(lines[next] as Line).number}: unexpected indentation`);
  return value;
}

function isItem(line: Line): boolean {
  return line.text === "-" || line.text.startsWith("- ");
}

function parseBlock(lines: Line[], start: number, indent: number): [YamlValue, number] {
  const line = lines[start] as Line;
  return isItem(line) ? parseSequence(lines, start, indent) : parseMapping(lines, start, indent);
}

function parseSequence(lines: Line[], start: number, indent: number): [YamlValue[], number] {
  const items: YamlValue[] = [];
  let i = start;
  while (i < lines.length) {
    const line = lines[i] as Line;
    if (line.indent !== indent || !isItem(line)) break;
    const rest = line.text === "-" ? "" : line.text.slice(2).trimStart();
    if (rest === "") {
      const child = lines[i + 1];
      if (child === undefined || child.indent <= indent) {
        items.push(null);
        i += 1;
      } else {
        const [value, next] = parseBlock(lines, i + 1, child.indent);
        items.push(value);
        i = next;
      }
    } else if (KEY.test(rest)) {
      // `- key: value`: a mapping whose keys sit where `key` starts.
      const itemIndent = indent + (line.text.length - rest.length);
      const patched = [...lines];
      patched[i] = { number: line.number, indent: itemIndent, text: rest };
      const [value, next] = parseMapping(patched, i, itemIndent);
      items.push(value);
      i = next;
    } else {
      items.push(parseScalar(rest, line.number));
      i += 1;
    }
  }
  return [items, i];
}

function parseMapping(lines: Line[], start: number, indent: number): [{ [key: string]: YamlValue }, number] {
  const mapping: { [key: string]: YamlValue } = {};
  let i = start;
  while (i < lines.length) {
    const line = lines[i] as Line;
    if (line.indent < indent) break;
    if (line.indent > indent) throw new Error(`line ${line.number}: unexpected indentation`);
    if (isItem(line)) break;
    const match = KEY.exec(line.text);
    if (match === null)
      throw new Error(`line ${line.number}: expected "key: value", found ${JSON.stringify(line.text)}`);
    const key = match[1] as string;
    if (Object.hasOwn(mapping, key)) throw new Error(`line ${line.number}: duplicate key "${key}"`);
    const inline = match[2];
    if (inline !== undefined && inline !== "" && !inline.startsWith("#")) {
      mapping[key] = parseScalar(inline, line.number);
      i += 1;
      continue;
    }
    const child = lines[i + 1];
    if (child !== undefined && child.indent > indent) {
      [mapping[key], i] = parseBlock(lines, i + 1, child.indent);
    } else if (child !== undefined && child.indent === indent && isItem(child)) {
      [mapping[key], i] = parseSequence(lines, i + 1, indent);
    } else {
      mapping[key] = null;
      i += 1;
    }
  }
  return [mapping, i];
}

function parseScalar(text: string, lineNumber: number): YamlValue {
  const at = `line ${lineNumber}`;
  if (text.startsWith('"')) {
    const end = closingDoubleQuote(text);
    if (end < 0) throw new Error(`${at}: unterminated double-quoted string`);
    rejectTrailing(text.slice(end + 1), at);
    try {
      return JSON.parse(text.slice(0, end + 1)) as string;
    } catch {
      throw new Error(`${at}: a double-quoted string with escapes this reader does not know`);
    }
  }
  if (text.startsWith("'")) {
    const match = /^'((?:[^']|'')*)'(.*)$/.exec(text);
    if (match === null) throw new Error(`${at}: unterminated single-quoted string`);
    rejectTrailing(match[2] as string, at);
    return (match[1] as string).replace(/''/g, "'");
  }
  if (text.startsWith("[")) {
    const end = text.indexOf("]");
    if (end < 0) throw new Error(`${at}: unterminated flow sequence`);
    rejectTrailing(text.slice(end + 1), at);
    const inner = text.slice(1, end).trim();
    if (inner === "") return [];
    return inner.split(",").map((part) => {
      const item = part.trim();
      if (item.startsWith("[") || item === "")
        throw new Error(`${at}: only flat flow sequences of scalars are supported`);
      return parseScalar(item, lineNumber);
    });
  }
  const plain = text.replace(/[ ]+#.*$/, "");
  // YAML indicators cannot start a plain scalar (`-`, `?`, `:` only when a space or the end follows).
  if (/^[&*!|>%@`{}\],#]/.test(plain) || /^[-?:]( |$)/.test(plain))
    throw new Error(`${at}: ${JSON.stringify(plain)} must be quoted`);
  if (plain.includes(": ") || plain.endsWith(":"))
    throw new Error(`${at}: ${JSON.stringify(plain)} must be quoted (it contains ": ")`);
  if (plain === "true") return true;
  if (plain === "false") return false;
  if (plain === "null" || plain === "~") return null;
  if (/^-?(0|[1-9][0-9]*)$/.test(plain)) return Number(plain);
  if (/^-?(0|[1-9][0-9]*)\.[0-9]+$/.test(plain)) return Number(plain);
  return plain;
}

function closingDoubleQuote(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

function rejectTrailing(rest: string, at: string): void {
  if (rest.trim() !== "" && !/^[ ]+#/.test(rest))
    throw new Error(`${at}: unexpected text after a quoted value: ${JSON.stringify(rest)}`);
}
