import { describe, expect, it } from "vitest";
import { parseJsonLossless, type JsonObject } from "../../src/json.js";
import { createRecordProcessor } from "../../src/records/processor.js";
import { RecordValidationError } from "../../src/records/validate.js";
import { loadSchemaRegistry } from "../../src/schemas.js";
import { findStream } from "../../src/streams/registry.js";
import { recordFixture } from "../streams/fixtures.js";
import { captureLogger } from "./log-capture.js";

const schemas = loadSchemaRegistry();

function setup(invalidRecords: "fail" | "skip" = "fail") {
  const capture = captureLogger();
  return { processor: createRecordProcessor({ schemas, logger: capture.logger, invalidRecords }), ...capture };
}

const capturedReport = recordFixture("reports").items[0] as JsonObject;

/** The fields a record carries a value in (every record also has null for each declared field Mode did not send). */
function sent(record: Readonly<Record<string, unknown>> | null): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record ?? {}).filter(([, v]) => v !== null));
}
const spaceContext = { workspace: "acryl", space: "75737b70402e" };

describe("record normalization", () => {
  it("writes integer ids as strings and keeps string ids as they are", () => {
    const { processor } = setup();
    const old = processor.process("spaces", { token: "t1", id: 1905171, "viewable?": true }, {});
    const current = processor.process("spaces", { token: "t2", id: "2000001" }, {});
    expect(sent(old)).toEqual({ token: "t1", id: "1905171", "viewable?": true });
    expect(current?.id).toBe("2000001");
  });

  it("keeps an id beyond 2^53 exact when the lossless parser read it", () => {
    const { processor } = setup();
    const raw = parseJsonLossless(
      '{"token": "q1", "id": 123456789012345678901, "last_run_id": 9007199254740993, "data_source_id": 34499}',
    ) as JsonObject;
    expect(processor.process("queries", raw, { report: "r1" })).toMatchObject({
      id: "123456789012345678901",
      last_run_id: "9007199254740993",
      data_source_id: "34499",
      report_token: "r1",
    });
  });

  it("writes every timestamp in UTC with milliseconds and Z", () => {
    const { processor } = setup();
    const record = processor.process(
      "report_schedules",
      {
        token: "s1",
        last_scheduled_run: "2020-04-06T20:00:00.000+00:00",
        next_scheduled_run: "2020-04-07T22:00:00+02:00",
        created_at: null,
      },
      { report: "r1" },
    );
    expect(record).toMatchObject({
      last_scheduled_run: "2020-04-06T20:00:00.000Z",
      next_scheduled_run: "2020-04-07T20:00:00.000Z",
      created_at: null,
    });
    const audit = processor.process("audit_logs", { id: "e1", timestamp: "2025-02-18T10:47:37.000000Z" }, {});
    expect(audit?.timestamp).toBe("2025-02-18T10:47:37.000Z");
  });

  it("leaves out HAL keys and the volatile signed fields, nested ones included", () => {
    const { processor, warnings } = setup();
    const record = processor.process("reports", capturedReport, spaceContext);
    expect(Object.keys(record ?? {})).not.toEqual(expect.arrayContaining(["_links"]));
    for (const key of ["_links", "_forms", "_embedded", "web_preview_image", "flamingo_signature"])
      expect(record).not.toHaveProperty([key]);
    expect(record?.imported_datasets).toEqual([{ name: "Dataset 1", token: "24f66e1701b6" }]);
    expect(JSON.stringify(record)).not.toContain("X-Amz-Signature");
    expect(warnings()).toEqual([]);
  });

  it("adds parent tokens from the context, over the item's own value", () => {
    const { processor } = setup();
    expect(
      sent(processor.process("charts", { token: "c1" }, { workspace: "acryl", report: "r1", query: "q1" })),
    ).toEqual({
      token: "c1",
      report_token: "r1",
      query_token: "q1",
    });
    expect(processor.process("reports", { token: "r2", space_token: "stale" }, { space: "s1" })?.space_token).toBe(
      "s1",
    );
  });

  it("takes a subscription's token from its self link when Mode sends none", () => {
    const { processor } = setup();
    const record = processor.process(
      "report_subscriptions",
      {
        email_subscriber_count: 3,
        _links: {
          self: { href: "/api/mode/reports/r1/subscriptions/6c7bcebabdce?x=1" },
          report_schedule: { href: "/api/mode/reports/r1/schedules/a2a1b9288d59" },
        },
      },
      { report: "r1" },
    );
    expect(sent(record)).toEqual({
      token: "6c7bcebabdce",
      report_schedule_token: "a2a1b9288d59",
      email_subscriber_count: 3,
      report_token: "r1",
    });
  });

  it("keeps every column of a result row in the open row object", () => {
    const { processor } = setup();
    const record = processor.process(
      "query_results",
      {
        row_number: 7,
        query_name: "Q",
        row: { "Staff First Name": "Mike", amount: 2.99, n: 12345678901234567890n.toString() },
        run_completed_at: "2021-12-10T23:12:53.142+00:00",
      },
      { report: "r", run: "u", query_run: "qr", query: "q" },
    );
    expect(record).toEqual({
      row_number: 7,
      query_name: "Q",
      row: { "Staff First Name": "Mike", amount: 2.99, n: "12345678901234567890" },
      run_completed_at: "2021-12-10T23:12:53.142Z",
      report_token: "r",
      run_token: "u",
      query_run_token: "qr",
      query_token: "q",
    });
  });
});

describe("schema drift", () => {
  it("drops a field the schema lacks with one warning per stream and field", () => {
    const { processor, warnings } = setup();
    for (let i = 0; i < 3; i += 1) {
      const record = processor.process("spaces", { token: `t${i}`, brand_new: i, another_new: true }, {});
      expect(sent(record)).toEqual({ token: `t${i}` });
    }
    processor.process("reports", { token: "r", brand_new: 1 }, {});
    expect(warnings()).toEqual([
      'WARNING spaces: Mode sent field "brand_new", which the schema does not declare; dropping it from ' +
        "every spaces record (schema drift; reported once)",
      'WARNING spaces: Mode sent field "another_new", which the schema does not declare; dropping it from ' +
        "every spaces record (schema drift; reported once)",
      'WARNING reports: Mode sent field "brand_new", which the schema does not declare; dropping it from ' +
        "every reports record (schema drift; reported once)",
    ]);
  });
});

describe("invalid records", () => {
  it("fail with a message naming stream, key and field", () => {
    const { processor } = setup("fail");
    let caught: unknown;
    try {
      processor.process("reports", { token: "abc123", archived: "yes" }, {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RecordValidationError);
    expect((caught as RecordValidationError).message).toBe(
      'reports record token=abc123: field "archived" must be boolean or null, got "yes"',
    );
    expect(caught).toMatchObject({ stream: "reports", field: "archived" });
  });

  it.each([
    [
      "a timestamp that is not one",
      "runs",
      { token: "u1", created_at: "yesterday" },
      'runs record token=u1: field "created_at" must be a date-time string, got "yesterday"',
    ],
    ["a missing key", "spaces", { name: "no token" }, 'spaces record token=(missing): field "token" is missing'],
    [
      "a nested field",
      "audit_logs",
      { id: "e1", actor: { ip: true } },
      'audit_logs record id=e1: field "actor.ip" must be string or null, got true',
    ],
    [
      "a composite key",
      "query_results",
      { row_number: "3", row: {} },
      'query_results record query_run_token=qr row_number=3: field "row_number" must be integer, got "3"',
    ],
  ])("describe %s in one line", (_case, stream, raw, message) => {
    const { processor } = setup("fail");
    expect(() => processor.process(stream, raw, { query_run: "qr" })).toThrow(message);
  });

  it("are skipped with a warning when invalid_records is skip", () => {
    const { processor, warnings } = setup("skip");
    expect(processor.process("reports", { token: "abc123", archived: "yes" }, {})).toBeNull();
    expect(sent(processor.process("reports", { token: "def456", archived: false }, {}))).toEqual({
      token: "def456",
      archived: false,
    });
    expect(warnings()).toEqual([
      'WARNING reports record token=abc123: field "archived" must be boolean or null, got "yes"; record ' +
        "skipped (invalid_records: skip)",
    ]);
    expect(processor.stats()).toEqual({ processed: 2, skipped: 1 });
  });

  it("are not caused by fields left out by selection", () => {
    const { processor } = setup("fail");
    expect(
      processor.process("reports", { token: "abc123", archived: "yes", name: "R" }, {}, new Set(["name"])),
    ).toEqual({ token: "abc123", name: "R", updated_at: null });
  });
});

describe("uniform records", () => {
  it(
    "gives every record of a stream the selected schema properties in schema order, " + "null where Mode sent nothing",
    () => {
      const { processor } = setup();
      const declared = Object.keys(schemas.schema("report_schedules").properties ?? {});
      const first = processor.process("report_schedules", { token: "s1", day_of_week: "Monday" }, { report: "r1" });
      const second = processor.process("report_schedules", { name: "Daily", token: "s2" }, { report: "r1" });
      expect(Object.keys(first ?? {})).toEqual(declared);
      expect(Object.keys(second ?? {})).toEqual(declared);
      expect(first).toMatchObject({ token: "s1", day_of_week: "Monday", name: null, report_token: "r1" });
      expect(second).toMatchObject({ token: "s2", day_of_week: null, name: "Daily" });
    },
  );

  it.each(["reports", "datasets"])(
    "gives a deletion marker of %s (token and _sdc_deleted_at, as src/sync emits it) the full key set",
    (stream) => {
      const { processor } = setup();
      const deletedAt = "2026-07-01T00:00:00.000Z";
      const record = processor.process(stream, { token: "gone", _sdc_deleted_at: deletedAt }, { space: "s1" });
      expect(Object.keys(record ?? {})).toEqual(Object.keys(schemas.schema(stream).properties ?? {}));
      expect(sent(record)).toEqual({ token: "gone", _sdc_deleted_at: deletedAt, space_token: "s1" });
    },
  );

  it("keeps the order with a selection: selected properties and the key, in schema order", () => {
    const { processor } = setup();
    const selection = new Set(["view_version", "query_token"]);
    const record = processor.process("charts", { view_version: 2, token: "c1" }, { query: "q1" }, selection);
    expect(Object.entries(record ?? {})).toEqual([
      ["token", "c1"],
      ["query_token", "q1"],
      ["view_version", 2],
    ]);
  });
});

describe("field selection", () => {
  it("writes only selected fields plus key properties and replication keys", () => {
    const { processor } = setup();
    const record = processor.process(
      findStream("reports") ?? "reports",
      capturedReport,
      spaceContext,
      new Set(["name", "space_token"]),
    );
    expect(record).toEqual({
      token: "9d2da37fa91e",
      name: "Report 1",
      updated_at: "2021-12-11T00:31:54.501Z",
      space_token: "75737b70402e",
    });
  });

  it("drops unselected context fields too", () => {
    const { processor } = setup();
    expect(
      processor.process(
        "charts",
        { token: "c1", view_version: 2 },
        { report: "r1", query: "q1" },
        new Set(["query_token"]),
      ),
    ).toEqual({ token: "c1", query_token: "q1" });
  });
});
