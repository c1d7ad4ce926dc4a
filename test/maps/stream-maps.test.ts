import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import type { JsonObject, JsonValue } from "../../src/json.js";
import { MappedSink, withStreamMaps } from "../../src/maps/mapped-sink.js";
import { StreamMapRecordError, StreamMapper, type StreamMapSettings } from "../../src/maps/stream-maps.js";
import type { MessageSink } from "../../src/singer/output.js";

/**
 * The cases of the Meltano SDK's stream-map tests and documentation
 * (https://sdk.meltano.com/en/latest/stream_maps.html, the `mystream` stream of its tests/core/test_mapper.py), with
 * the outputs the SDK gives for them: the same stream, records and settings here must give the same SCHEMA and RECORD
 * messages (hash values included).
 */

const SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema";
const user = {
  type: ["object", "null"],
  properties: {
    id: { type: ["integer", "null"] },
    sub: {
      type: ["object", "null"],
      properties: { num: { type: ["integer", "null"] }, custom_obj: { type: ["string", "null"] } },
      additionalProperties: true,
    },
    some_numbers: { type: ["array", "null"], items: { type: ["number"] } },
  },
  additionalProperties: true,
};
const mystream: JsonObject = {
  type: "object",
  properties: {
    email: { type: ["string"] },
    count: { type: ["integer", "null"] },
    user,
    joined_at: { type: ["string", "null"], format: "date-time" },
  },
  required: ["email"],
  $schema: SCHEMA_URI,
};
const records = [
  ["alice@example.com", 21, 1, "obj-hello", [3.14, 2.718]],
  ["bob@example.com", 13, 2, "obj-world", [10.32, 1.618]],
  ["charlie@example.com", 19, 3, "obj-hello", [1.414, 1.732]],
].map(([email, count, id, custom, numbers]) => ({
  email,
  count,
  user: { id, sub: { num: id, custom_obj: custom }, some_numbers: numbers },
  joined_at: "2022-01-01T00:00:00Z",
}));
/** md5 and sha256 of alice's email as the SDK's snapshots show them. */
const ALICE_MD5 = "c160f8cc69a4f0bf2b0362752353d060";
const ALICE_SHA256 = "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976";

type Message =
  | { type: "SCHEMA"; stream: string; schema: JsonObject; key_properties: readonly string[] }
  | { type: "RECORD"; stream: string; record: Record<string, unknown> }
  | { type: "STATE"; value: JsonValue };

class Collect implements MessageSink {
  readonly messages: Message[] = [];
  schema(stream: string, schema: JsonObject, keyProperties: readonly string[]): Promise<void> {
    this.messages.push({ type: "SCHEMA", stream, schema, key_properties: keyProperties });
    return Promise.resolve();
  }
  record(stream: string, record: Readonly<Record<string, unknown>>): Promise<void> {
    this.messages.push({ type: "RECORD", stream, record: { ...record } });
    return Promise.resolve();
  }
  state(value: JsonValue): Promise<void> {
    this.messages.push({ type: "STATE", value });
    return Promise.resolve();
  }
  activateVersion(): Promise<void> {
    return Promise.resolve();
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
  schemas(): Array<Extract<Message, { type: "SCHEMA" }>> {
    return this.messages.filter((m) => m.type === "SCHEMA");
  }
  records(stream: string): Array<Record<string, unknown>> {
    return this.messages.flatMap((m) => (m.type === "RECORD" && m.stream === stream ? [m.record] : []));
  }
}

function settings(streamMaps: JsonObject, flattening?: number): StreamMapSettings {
  return {
    streamMaps,
    streamMapConfig: { hash_seed: "super_secret_hash_seed" },
    flatteningEnabled: flattening !== undefined,
    ...(flattening !== undefined ? { flatteningMaxDepth: flattening } : {}),
  };
}

/** Runs mystream (SCHEMA, its records, a STATE) through the maps. */
async function map(streamMaps: JsonObject, flattening?: number): Promise<Collect> {
  const out = new Collect();
  const { sink } = withStreamMaps(out, settings(streamMaps, flattening));
  await sink.schema("mystream", structuredClone(mystream), []);
  for (const record of records) await sink.record("mystream", record, "2022-01-01T00:00:00.000Z");
  await sink.state({ bookmarks: { mystream: {} } });
  return out;
}

const nullableString = { type: ["string", "null"] };

describe("stream maps: the Meltano SDK's cases", () => {
  it("no map: the sink is used as it is", async () => {
    const out = new Collect();
    expect(withStreamMaps(out, settings({})).sink).toBe(out);
    expect(withStreamMaps(out, settings({}, 0)).sink).toBe(out);
  });

  it("keep_all_fields: a new property from an expression, typed string", async () => {
    const out = await map({ mystream: { email_hash: "md5(email)" } });
    expect(out.schemas()).toEqual([
      {
        type: "SCHEMA",
        stream: "mystream",
        schema: { ...mystream, properties: { ...(mystream.properties as JsonObject), email_hash: nullableString } },
        key_properties: [],
      },
    ]);
    expect(out.records("mystream")[0]).toEqual({ ...records[0], email_hash: ALICE_MD5 });
    expect(Object.keys(out.records("mystream")[1] ?? {})).toEqual([
      "email",
      "count",
      "user",
      "joined_at",
      "email_hash",
    ]);
  });

  it("only_mapped_fields: __else__ null keeps only the listed properties; int( types an integer", async () => {
    for (const elseValue of [null, "__NULL__"]) {
      const out = await map({
        mystream: {
          email_hash: "md5(email)",
          email_hash_sha256: "sha256(email)",
          fixed_count: "int(count-1)",
          __else__: elseValue,
        },
      });
      expect(out.schemas()[0]?.schema).toEqual({
        type: "object",
        properties: {
          email_hash: nullableString,
          email_hash_sha256: nullableString,
          fixed_count: { type: ["integer", "null"] },
        },
      });
      expect(out.records("mystream")[0]).toEqual({
        email_hash: ALICE_MD5,
        email_hash_sha256: ALICE_SHA256,
        fixed_count: 20,
      });
    }
  });

  it("changed_key_properties: __key_properties__ names the hashed key", async () => {
    const out = await map({
      mystream: { email_hash: "md5(email)", __key_properties__: ["email_hash"], __else__: null },
    });
    expect(out.schemas()[0]?.key_properties).toEqual(["email_hash"]);
    expect(out.records("mystream")).toEqual([
      { email_hash: ALICE_MD5 },
      { email_hash: md5("bob@example.com") },
      { email_hash: md5("charlie@example.com") },
    ]);
  });

  it("sourced streams: a null stream is dropped, a __source__ copy written under its own name", async () => {
    for (const dropped of [null, "__NULL__"]) {
      const out = await map({ mystream: dropped, sourced_stream_1: { __source__: "mystream" } });
      expect(out.schemas().map((s) => s.stream)).toEqual(["sourced_stream_1"]);
      expect(out.records("sourced_stream_1")).toEqual(records);
      expect(out.records("mystream")).toEqual([]);
    }
    const out = await map({ sourced_stream_2: { __source__: "mystream" }, __else__: null });
    expect(out.schemas().map((s) => s.stream)).toEqual(["sourced_stream_2"]);
    expect(out.records("sourced_stream_2")).toHaveLength(3);
  });

  it.each([
    ["aliased_stream", "aliased_stream"],
    ["aliased.stream", "aliased.stream"],
    ["'__stream_name__'", "__stream_name__"],
    ["'aliased_' + __stream_name__", "aliased_mystream"],
    ["__stream_name__.upper()", "MYSTREAM"],
  ])("__alias__ %s writes the stream as %s", async (alias, name) => {
    const out = await map({ mystream: { __alias__: alias } });
    expect(out.schemas().map((s) => s.stream)).toEqual([name]);
    expect(out.records(name)).toEqual(records);
  });

  it("builtin variables: __stream_name__ (after aliasing), __original_stream_name__, self and _", async () => {
    let out = await map({ mystream: { source_table: "__stream_name__" } });
    expect(out.records("mystream")[0]?.source_table).toBe("mystream");
    expect((out.schemas()[0]?.schema.properties as JsonObject).source_table).toEqual(nullableString);

    out = await map({
      mystream: {
        __alias__: "'aliased'",
        stream_name: "__stream_name__",
        original_stream_name: "__original_stream_name__",
      },
    });
    expect(out.records("aliased")[0]).toMatchObject({ stream_name: "aliased", original_stream_name: "mystream" });

    for (const expression of ["self.upper()", "_['email'].upper()"]) {
      out = await map({ mystream: { email: expression, __else__: null } });
      expect(out.schemas()[0]?.schema).toEqual({ type: "object", properties: { email: nullableString } });
      expect(out.records("mystream")[0]).toEqual({ email: "ALICE@EXAMPLE.COM" });
    }
  });

  it("drop_property: null or __NULL__ removes it from SCHEMA (and required) and RECORD", async () => {
    for (const dropped of [null, "__NULL__"]) {
      const out = await map({ mystream: { email: dropped } });
      const schema = out.schemas()[0]?.schema;
      expect(Object.keys(schema?.properties as JsonObject)).toEqual(["count", "user", "joined_at"]);
      expect(schema?.required).toEqual([]);
      expect(out.records("mystream")[0]).toEqual({
        count: 21,
        user: records[0]?.user,
        joined_at: "2022-01-01T00:00:00Z",
      });
    }
  });

  it(
    "non_pk_passthrough and record_to_column: " + "an existing property keeps its type; `record` is the whole record",
    async () => {
      let out = await map({ mystream: { count: "count", __else__: null } });
      expect(out.schemas()[0]?.schema).toEqual({
        type: "object",
        properties: { count: { type: ["integer", "null"] } },
      });
      expect(out.records("mystream").map((r) => r.count)).toEqual([21, 13, 19]);

      out = await map({ mystream: { _data: "record", __else__: null } });
      expect(out.schemas()[0]?.schema).toEqual({
        type: "object",
        properties: { _data: { ...mystream, type: ["object", "null"] } },
      });
      expect(out.records("mystream")[1]).toEqual({ _data: records[1] });
    },
  );

  it("filter_records: __filter__ keeps the records its expression is true for", async () => {
    for (const filter of ["count < 20", "bool(count < 20)"]) {
      const out = await map({ mystream: { __filter__: filter } });
      expect(out.records("mystream").map((r) => r.email)).toEqual(["bob@example.com", "charlie@example.com"]);
    }
  });

  it("a glob applies a map to every matching stream; a string literal needs inner quotes", async () => {
    const out = await map({ "*stream": { db_name: "'database'", tenant: '"client-123"' } });
    expect(out.records("mystream")[2]).toMatchObject({ db_name: "database", tenant: "client-123" });
    const none = await map({ "other*": { db_name: "'database'" } });
    expect(none.records("mystream")[0]).not.toHaveProperty("db_name");
  });

  it("hashes with a seed from stream_map_config (the documentation's email_hash)", async () => {
    const out = await map({ mystream: { email_hash: "md5(config['hash_seed'] + email)", email: null } });
    expect(out.records("mystream")[0]?.email_hash).toBe(md5("super_secret_hash_seed" + "alice@example.com"));
    expect(out.records("mystream")[0]).not.toHaveProperty("email");
  });

  it("passes STATE through unchanged, with the tap's own stream names", async () => {
    const out = await map({ mystream: { __alias__: "renamed" } });
    expect(out.messages.at(-1)).toEqual({ type: "STATE", value: { bookmarks: { mystream: {} } } });
  });
});

describe("flattening: the Meltano SDK's cases", () => {
  const flatTop = {
    email: { type: ["string"] },
    count: { type: ["integer", "null"] },
  };
  const joinedAt = { joined_at: { type: ["string", "null"], format: "date-time" } };

  it("flatten_depth_0: depth 0 flattens nothing", async () => {
    const out = await map({}, 0);
    expect(out.schemas()[0]?.schema).toEqual(mystream);
    expect(out.records("mystream")).toEqual(records);
  });

  it("flatten_depth_1: one level becomes parent__child columns; deeper objects and arrays are JSON text", async () => {
    const out = await map({}, 1);
    expect(out.schemas()[0]?.schema).toEqual({
      type: "object",
      required: ["email"],
      $schema: SCHEMA_URI,
      properties: {
        ...flatTop,
        user__id: { type: ["integer", "null"] },
        user__sub: nullableString,
        user__some_numbers: nullableString,
        ...joinedAt,
      },
    });
    expect(out.records("mystream")[0]).toEqual({
      email: "alice@example.com",
      count: 21,
      user__id: 1,
      user__sub: '{"num":1,"custom_obj":"obj-hello"}',
      user__some_numbers: "[3.14,2.718]",
      joined_at: "2022-01-01T00:00:00Z",
    });
  });

  it("flatten_all (depth 2) and map_and_flatten (depth 10, after a map)", async () => {
    const flat = {
      ...flatTop,
      user__id: { type: ["integer", "null"] },
      user__sub__num: { type: ["integer", "null"] },
      user__sub__custom_obj: nullableString,
      user__some_numbers: nullableString,
      ...joinedAt,
    };
    const alice = {
      email: "alice@example.com",
      count: 21,
      user__id: 1,
      user__sub__num: 1,
      user__sub__custom_obj: "obj-hello",
      user__some_numbers: "[3.14,2.718]",
      joined_at: "2022-01-01T00:00:00Z",
    };
    let out = await map({}, 2);
    expect(out.schemas()[0]?.schema.properties).toEqual(flat);
    expect(out.records("mystream")[0]).toEqual(alice);

    out = await map({ mystream: { email_hash: "md5(email)", __key_properties__: ["email_hash"] } }, 10);
    expect(out.schemas()[0]).toMatchObject({
      schema: { properties: { ...flat, email_hash: nullableString } },
      key_properties: ["email_hash"],
    });
    expect(out.records("mystream")[0]).toEqual({ ...alice, email_hash: ALICE_MD5 });
  });

  it("gives every record every column, null where a nested value is missing (a fixed column set)", async () => {
    const out = new Collect();
    const { sink } = withStreamMaps(out, settings({}, 2));
    await sink.schema("mystream", structuredClone(mystream), []);
    await sink.record("mystream", { email: "x@example.com", count: null, user: null, joined_at: null }, "t");
    await sink.record("mystream", { email: "y@example.com", user: { sub: { num: 5, extra: 1 } } }, "t");
    const [first, second] = out.records("mystream");
    const columns = Object.keys(out.schemas()[0]?.schema.properties as JsonObject);
    expect(Object.keys(first ?? {})).toEqual(columns);
    expect(Object.keys(second ?? {})).toEqual(columns);
    expect(second).toMatchObject({ user__id: null, user__sub__num: 5, user__some_numbers: null, joined_at: null });
  });

  it("writes an object whose schema declares no properties as JSON text", async () => {
    const out = new Collect();
    const { sink } = withStreamMaps(out, settings({}, 3));
    await sink.schema(
      "charts",
      { type: "object", properties: { token: { type: "string" }, view: { type: ["null", "object"] } } },
      ["token"],
    );
    await sink.record("charts", { token: "c1", view: { a: { b: 1 } } }, "t");
    await sink.record("charts", { token: "c2", view: null }, "t");
    expect(out.schemas()[0]?.schema.properties).toEqual({ token: { type: "string" }, view: nullableString });
    expect(out.records("charts")).toEqual([
      { token: "c1", view: '{"a":{"b":1}}' },
      { token: "c2", view: null },
    ]);
  });
});

describe("stream map errors", () => {
  it.each([
    [
      { reports: { email_hash: "md5(creator_email" } },
      '"stream_maps.reports.email_hash": cannot evaluate "md5(creator_email"',
    ],
    [{ reports: { __filter__: "this should raise an er!ror" } }, '"stream_maps.reports.__filter__": cannot evaluate'],
    [{ reports: { x: "os.system('ls')" } }, "method .system() is not supported"],
    [{ reports: { x: 3 } }, '"stream_maps.reports.x" must be an expression string or null'],
    [{ reports: { __else__: "keep" } }, '"stream_maps.reports.__else__" supports only null'],
    [{ __else__: {} }, '"stream_maps.__else__" supports only null'],
    [{ reports: "renamed" }, '"stream_maps.reports" must be an object of property maps, or null'],
    [{ __other__: null }, '"stream_maps.__other__" is not a stream map option'],
  ])("%j is a config error when the mapper is built", (streamMaps, message) => {
    expect(() => new StreamMapper(settings(streamMaps as JsonObject))).toThrow(ConfigError);
    expect(() => new StreamMapper(settings(streamMaps as JsonObject))).toThrow(message);
  });

  it(
    "names the stream and property whose expression reads " + "a name the stream does not have, before any record",
    async () => {
      const sink = new MappedSink(new Collect(), new StreamMapper(settings({ mystream: { h: "md5(emial)" } })));
      await expect(sink.schema("mystream", mystream, [])).rejects.toThrow(
        '"stream_maps.mystream.h" reads "emial", which stream mystream does not have',
      );
    },
  );

  it("refuses to remove a key property without __key_properties__, and a key the mapped schema lacks", () => {
    const mapper = (maps: JsonObject) => new StreamMapper(settings(maps));
    expect(() =>
      mapper({ mystream: { email: null } }).streamsFor({
        name: "mystream",
        schema: mystream,
        keyProperties: ["email"],
      }),
    ).toThrow('removing key property "email" of stream mystream needs "__key_properties__"');
    expect(() =>
      mapper({ mystream: { __key_properties__: ["nope"] } }).streamsFor({
        name: "mystream",
        schema: mystream,
        keyProperties: [],
      }),
    ).toThrow('key property "nope" of stream mystream is not in the mapped schema');
  });

  it("stops on a record an expression cannot handle, naming the map, the property and the reason", async () => {
    const { sink } = withStreamMaps(new Collect(), settings({ mystream: { n: "int(email)" } }));
    await sink.schema("mystream", mystream, []);
    await expect(sink.record("mystream", records[0] ?? {}, "t")).rejects.toThrow(StreamMapRecordError);
    await expect(sink.record("mystream", records[0] ?? {}, "t")).rejects.toThrow(
      'stream_maps.mystream.n: int(): invalid literal "alice@example.com"',
    );
  });
});

function md5(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}
