import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { PROJECT_ROOT } from "../support/run-cli.js";

/**
 * Checks Airbyte protocol output against the project's transcription of the AirbyteMessage definitions
 * (test/fixtures/airbyte/airbyte-protocol.schema.json) plus the rules of airbyte-protocol.md the schema cannot say:
 * one message per line, every line an envelope, and every stream's records followed by a STATE of that stream whose
 * `sourceStats.recordCount` adds up to them.
 */
export interface AirbyteMessageLine {
  readonly type: string;
  readonly record?: { stream: string; data: Record<string, unknown>; emitted_at: number };
  readonly state?: {
    type: string;
    stream: { stream_descriptor: { name: string }; stream_state: Record<string, unknown> };
    sourceStats?: { recordCount: number };
  };
  readonly log?: { level: string; message: string; stack_trace?: string };
  readonly spec?: { connectionSpecification: Record<string, unknown>; documentationUrl?: string };
  readonly connectionStatus?: { status: string; message?: string };
  readonly catalog?: {
    streams: Array<Record<string, unknown> & { name: string; json_schema: Record<string, unknown> }>;
  };
  readonly trace?: {
    type: string;
    emitted_at: number;
    error?: { message: string; failure_type?: string; internal_message?: string; stack_trace?: string };
  };
}

export interface ParsedAirbyteOutput {
  readonly messages: readonly AirbyteMessageLine[];
  readonly records: ReadonlyMap<string, Array<Record<string, unknown>>>;
  readonly states: ReadonlyArray<NonNullable<AirbyteMessageLine["state"]>>;
  readonly logs: ReadonlyArray<NonNullable<AirbyteMessageLine["log"]>>;
  readonly traces: ReadonlyArray<NonNullable<AirbyteMessageLine["trace"]>>;
}

const SCHEMA_FILE = join(PROJECT_ROOT, "test", "fixtures", "airbyte", "airbyte-protocol.schema.json");

function compile(): {
  message: ValidateFunction;
  configuredCatalog: ValidateFunction;
  errorsText: (v: ValidateFunction) => string;
} {
  const ajv = new Ajv({ strict: false, allErrors: false });
  addFormats.default(ajv);
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as { $id: string };
  ajv.addSchema(schema);
  const message = ajv.getSchema(schema.$id);
  const configuredCatalog = ajv.getSchema(`${schema.$id}#/definitions/ConfiguredAirbyteCatalog`);
  if (!message || !configuredCatalog) throw new Error("cannot compile the Airbyte protocol schema");
  return { message, configuredCatalog, errorsText: (v) => ajv.errorsText(v.errors) };
}

const validators = compile();

/** Throws when `value` is not a valid AirbyteMessage. */
export function assertAirbyteMessage(value: unknown, where = "message"): void {
  if (!validators.message(value))
    throw new Error(`${where} is not a valid AirbyteMessage: ${validators.errorsText(validators.message)}`);
}

/** Throws when `value` is not a valid ConfiguredAirbyteCatalog (keeps test inputs honest). */
export function assertConfiguredCatalog(value: unknown): void {
  if (!validators.configuredCatalog(value))
    throw new Error(`not a valid ConfiguredAirbyteCatalog: ${validators.errorsText(validators.configuredCatalog)}`);
}

/** Parses and validates stdout; throws on the first violation, naming the line. */
export function parseAirbyteOutput(stdout: string): ParsedAirbyteOutput {
  const lines = stdout.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const messages: AirbyteMessageLine[] = [];
  const records = new Map<string, Array<Record<string, unknown>>>();
  const uncommitted = new Map<string, number>();
  lines.forEach((line, index) => {
    const where = `stdout line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${where} is not JSON: ${line.slice(0, 120)}`);
    }
    assertAirbyteMessage(value, where);
    const message = value as AirbyteMessageLine;
    messages.push(message);
    if (message.record) {
      const { stream, data } = message.record;
      let list = records.get(stream);
      if (!list) records.set(stream, (list = []));
      list.push(data);
      uncommitted.set(stream, (uncommitted.get(stream) ?? 0) + 1);
    }
    if (message.state?.type === "STREAM") {
      const stream = message.state.stream.stream_descriptor.name;
      const count = message.state.sourceStats?.recordCount;
      if (count !== undefined && count !== (uncommitted.get(stream) ?? 0)) {
        throw new Error(
          `${where}: STATE of ${stream} counts ${count} records, ${uncommitted.get(stream) ?? 0} were ` +
            `emitted since its previous STATE`,
        );
      }
      uncommitted.delete(stream);
    }
  });
  for (const [stream, count] of uncommitted)
    if (count > 0) throw new Error(`${count} records of ${stream} are not followed by a STATE of ${stream}`);
  return {
    messages,
    records,
    states: messages.flatMap((m) => (m.state ? [m.state] : [])),
    logs: messages.flatMap((m) => (m.log ? [m.log] : [])),
    traces: messages.flatMap((m) => (m.trace ? [m.trace] : [])),
  };
}

/** What the platform passes to the next `read --state`: the latest STATE message of each stream. */
export function latestStates(output: ParsedAirbyteOutput): Array<NonNullable<AirbyteMessageLine["state"]>> {
  const latest = new Map<string, NonNullable<AirbyteMessageLine["state"]>>();
  for (const state of output.states) latest.set(state.stream.stream_descriptor.name, state);
  return [...latest.values()];
}
