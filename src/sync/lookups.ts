import type { LookupStore } from "./context.js";

type Item = Readonly<Record<string, unknown>>;

/** The lookup streams' records of one run (see StreamDefinition.lookups), with indexes built on first use. */
export function lookupStore(): LookupStore {
  const records = new Map<string, Item[]>();
  /** stream -> field -> value -> record; dropped when the stream gets another record. */
  const indexes = new Map<string, Map<string, Map<string, Item>>>();
  return {
    add(stream, record) {
      let list = records.get(stream);
      if (list === undefined) records.set(stream, (list = []));
      list.push(record);
      indexes.delete(stream);
    },
    records: (stream) => records.get(stream) ?? [],
    index(stream, field) {
      let byField = indexes.get(stream);
      if (byField === undefined) indexes.set(stream, (byField = new Map()));
      let index = byField.get(field);
      if (index === undefined) {
        index = new Map();
        for (const record of records.get(stream) ?? []) {
          const value = record[field];
          if (typeof value === "string" || typeof value === "number") index.set(String(value), record);
        }
        byField.set(field, index);
      }
      return index;
    },
  };
}
