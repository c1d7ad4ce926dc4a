import type { ValidateFunction } from "ajv";
import type { Logger } from "../log.js";
import type { SchemaRegistry } from "../schemas.js";
import { findStream, streamDefinitions } from "../streams/registry.js";
import type { StreamContext, StreamDefinition } from "../streams/types.js";
import { DROPPED_KEYS, normalizeValue, planObject, type FieldPlan, type ObjectPlan } from "./normalize.js";
import { RecordValidationError, describeError, describeKey } from "./validate.js";

/** A record as written in a RECORD message. */
export type OutputRecord = Record<string, unknown>;

export interface RecordProcessorOptions {
  readonly schemas: SchemaRegistry;
  readonly logger: Logger;
  /** "fail" (default) throws RecordValidationError; "skip" warns and drops the record. */
  readonly invalidRecords?: "fail" | "skip";
  /** Stream definitions to resolve names against; defaults to the registry. */
  readonly definitions?: readonly StreamDefinition[];
}

export interface RecordProcessorStats {
  readonly processed: number;
  readonly skipped: number;
}

/** Turns raw Mode items into the records the tap writes. */
export interface RecordProcessor {
  /**
   * One raw API item -> the record to write, or `null` when it is invalid and `invalid_records` is "skip".
   * In order: the stream's `transform`; HAL and volatile keys dropped; fields the schema lacks dropped with one warning
   * per stream and field (schema drift is reported, not fatal); unselected fields dropped (key properties and
   * replication keys always kept); ids and timestamps normalised by the schema; context fields added (they win over the
   * item's own value); the result validated.
   *
   * Every record of a stream has the same top-level keys in the same order: the selected schema properties in schema
   * order, null where Mode sent nothing (every property outside `required` is nullable). Targets that take their
   * columns from the first record, such as singer-io's target-csv, then put every value under its own column.
   */
  process(
    stream: StreamDefinition | string,
    raw: Readonly<Record<string, unknown>>,
    context: StreamContext,
    selectedFields?: ReadonlySet<string>,
  ): OutputRecord | null;
  /** Counts since creation. */
  stats(): RecordProcessorStats;
}

interface StreamPlan {
  readonly definition: StreamDefinition;
  readonly fields: ObjectPlan;
  // Always written even when not selected: key properties and replication keys (Singer `inclusion: automatic`).
  readonly automatic: ReadonlySet<string>;
  // Context entries [record field, context key], for fields the schema declares.
  readonly contextEntries: readonly (readonly [string, string])[];
  // The root schema allows undeclared properties: keep them instead of dropping them (Meltano SDK,
  // docs/singer-notes.md §3.10).
  readonly keepUnknown: boolean;
  readonly required: readonly string[];
  readonly validate: ValidateFunction;
  // The output fields in schema order for the last selection seen (the sync passes the same set for every record).
  layout?: { readonly selection: ReadonlySet<string> | undefined; readonly fields: readonly OutputField[] };
}

/** One top-level output field: its value from the context when it is a context field and the context has it. */
interface OutputField {
  readonly name: string;
  readonly plan: FieldPlan;
  readonly contextKey: string | undefined;
  /** Required: left out when missing, so validation names it as missing instead of "got null". */
  readonly required: boolean;
}

function layoutOf(plan: StreamPlan, selection: ReadonlySet<string> | undefined): readonly OutputField[] {
  if (plan.layout !== undefined && plan.layout.selection === selection) return plan.layout.fields;
  const context = new Map(plan.contextEntries);
  const required = new Set(plan.required);
  const fields: OutputField[] = [];
  for (const [name, field] of plan.fields) {
    if (selection !== undefined && !selection.has(name) && !plan.automatic.has(name)) continue;
    fields.push({ name, plan: field, contextKey: context.get(name), required: required.has(name) });
  }
  plan.layout = { selection, fields };
  return fields;
}

/** Builds the per-record pipeline; plans and validators are made once per stream and reused. */
export function createRecordProcessor(options: RecordProcessorOptions): RecordProcessor {
  const { schemas, logger } = options;
  const skipInvalid = options.invalidRecords === "skip";
  const definitions = options.definitions ?? streamDefinitions();
  const plans = new Map<string, StreamPlan>();
  const driftWarned = new Set<string>();
  let processed = 0;
  let skipped = 0;

  const planFor = (stream: StreamDefinition | string): StreamPlan => {
    const name = typeof stream === "string" ? stream : stream.name;
    let plan = plans.get(name);
    if (plan !== undefined) return plan;
    const definition = typeof stream === "string" ? findStream(stream, definitions) : stream;
    if (definition === undefined) throw new Error(`unknown stream "${name}"`);
    const schema = schemas.schema(name);
    const fields = planObject(schema);
    plan = {
      definition,
      fields,
      automatic: new Set([...definition.keyProperties, ...definition.validReplicationKeys]),
      contextEntries: Object.entries(definition.contextFields).filter(([field]) => fields.has(field)),
      keepUnknown: schema.additionalProperties !== undefined && schema.additionalProperties !== false,
      required: Array.isArray(schema.required) ? schema.required : [],
      validate: schemas.validator(name),
    };
    plans.set(name, plan);
    return plan;
  };

  const warnDrift = (stream: string, field: string): void => {
    const id = `${stream}\u0000${field}`;
    if (driftWarned.has(id)) return;
    driftWarned.add(id);
    logger.warn(
      `${stream}: Mode sent field "${field}", which the schema does not declare; dropping it from every ` +
        `${stream} record (schema drift; reported once)`,
    );
  };

  return {
    process(stream, raw, context, selectedFields) {
      const plan = planFor(stream);
      const { definition, fields } = plan;
      const source = definition.transform === undefined ? raw : definition.transform(raw);
      const out: OutputRecord = {};
      for (const field of layoutOf(plan, selectedFields)) {
        if (field.contextKey !== undefined) {
          const value = context[field.contextKey];
          if (value !== undefined) {
            out[field.name] = value;
            continue;
          }
        }
        const value = source[field.name];
        if (value !== undefined) out[field.name] = normalizeValue(field.plan, value);
        else if (!field.required) out[field.name] = null;
      }
      for (const key of Object.keys(source)) {
        if (fields.has(key) || DROPPED_KEYS.has(key)) continue;
        if (plan.keepUnknown) out[key] = source[key];
        else warnDrift(definition.name, key);
      }
      processed += 1;
      if (plan.validate(out)) return out;

      const first = plan.validate.errors?.[0];
      const { field, text } =
        first === undefined ? { field: "(record)", text: "does not match the schema" } : describeError(first, out);
      const message = `${definition.name} record ${describeKey(out, definition.keyProperties)}: ${text}`;
      if (!skipInvalid) throw new RecordValidationError(message, definition.name, field);
      skipped += 1;
      logger.warn(`${message}; record skipped (invalid_records: skip)`);
      return null;
    },
    stats: () => ({ processed, skipped }),
  };
}
