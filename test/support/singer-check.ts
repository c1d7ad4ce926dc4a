import { Ajv } from "ajv";
import addFormats from "ajv-formats";

/**
 * The project's own Singer conformance checker, repeating what singer-check-tap, target-jsonl and
 * pipelinewise-target-postgres check (docs/singer-notes.md §7.4), since those Python tools cannot be installed here:
 * every stdout line is JSON with a known upper-case type; SCHEMA before RECORD; key_properties present in the schema
 * and in every record; records valid against their stream's latest schema with a strict RFC 3339 date-time check;
 * a STATE after the last RECORD.
 */
export interface ParsedOutput {
  readonly messages: ReadonlyArray<Record<string, unknown>>;
  readonly records: ReadonlyMap<string, Array<Record<string, unknown>>>;
  readonly schemas: ReadonlyMap<string, Record<string, unknown>>;
  readonly states: readonly unknown[];
  readonly lastState: unknown;
}

const KNOWN = new Set(["SCHEMA", "RECORD", "STATE", "ACTIVATE_VERSION"]);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses stdout and throws on the first violation, naming the line. */
export function checkSingerOutput(
  stdout: string,
  options: { requireFinalState?: boolean; validate?: boolean } = {},
): ParsedOutput {
  const ajv = new Ajv({ strict: false, allErrors: false, allowUnionTypes: true });
  addFormats.default(ajv);
  ajv.addFormat("date-time", { validate: (s: string) => RFC3339.test(s) && !Number.isNaN(Date.parse(s)) });
  const validators = new Map<string, ReturnType<typeof ajv.compile>>();
  const messages: Array<Record<string, unknown>> = [];
  const records = new Map<string, Array<Record<string, unknown>>>();
  const schemas = new Map<string, Record<string, unknown>>();
  const keys = new Map<string, string[]>();
  const states: unknown[] = [];
  let lastRecordIndex = -1;
  let lastStateIndex = -1;
  const lines = stdout.split("\n");
  if (lines.at(-1) === "") lines.pop();
  lines.forEach((line, index) => {
    const where = `stdout line ${index + 1}`;
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`${where} is not JSON: ${line.slice(0, 120)}`);
    }
    if (
      typeof message !== "object" ||
      message === null ||
      typeof message.type !== "string" ||
      !KNOWN.has(message.type)
    ) {
      throw new Error(`${where} has no known Singer type: ${line.slice(0, 120)}`);
    }
    messages.push(message);
    if (message.type === "SCHEMA") {
      const stream = String(message.stream);
      if (!Array.isArray(message.key_properties))
        throw new Error(`${where}: SCHEMA for ${stream} has no key_properties`);
      const schema = message.schema as { properties?: Record<string, unknown> };
      for (const key of message.key_properties as string[])
        if (!schema.properties?.[key]) throw new Error(`${where}: key ${key} of ${stream} is not in its schema`);
      schemas.set(stream, message.schema as Record<string, unknown>);
      keys.set(stream, message.key_properties as string[]);
      if (options.validate !== false) validators.set(stream, ajv.compile(message.schema as object));
    } else if (message.type === "RECORD") {
      const stream = String(message.stream);
      if (!schemas.has(stream)) throw new Error(`${where}: RECORD for ${stream} before its SCHEMA`);
      const record = message.record as Record<string, unknown>;
      for (const key of keys.get(stream) ?? [])
        if (record[key] === undefined || record[key] === null)
          throw new Error(`${where}: ${stream} record lacks key ${key}`);
      if (typeof message.time_extracted === "string" && !RFC3339.test(message.time_extracted))
        throw new Error(`${where}: time_extracted is not RFC 3339`);
      const validate = validators.get(stream);
      if (validate && !validate(record))
        throw new Error(`${where}: ${stream} record invalid: ${ajv.errorsText(validate.errors)}`);
      let list = records.get(stream);
      if (!list) records.set(stream, (list = []));
      list.push(record);
      lastRecordIndex = index;
    } else if (message.type === "STATE") {
      if (message.value === undefined) throw new Error(`${where}: STATE without value`);
      states.push(message.value);
      lastStateIndex = index;
    }
  });
  if (options.requireFinalState !== false && lastRecordIndex >= 0 && lastStateIndex < lastRecordIndex)
    throw new Error("no STATE after the last RECORD");
  return { messages, records, schemas, states, lastState: states.at(-1) };
}

/** Fails when a credential shows up in captured output (engineering standards: credentials never appear). */
export function assertNoSecrets(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) {
    if (secret.length >= 4 && text.includes(secret))
      throw new Error(`a credential appeared in captured output: ${secret.slice(0, 2)}…`);
  }
}
