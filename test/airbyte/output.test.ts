import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { AirbyteOutput } from "../../src/airbyte/output.js";
import { createAirbyteLogger, logLineToMessage } from "../../src/airbyte/log-stream.js";
import type { Clock } from "../../src/clock.js";
import { LineWriter } from "../../src/singer/line-writer.js";
import { parseAirbyteOutput } from "./protocol.js";

function capture(): { writer: LineWriter; text: () => string } {
  const out = new PassThrough();
  let text = "";
  out.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  return { writer: new LineWriter(out), text: () => text };
}

function fixedClock(start: number): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, sleep: () => Promise.resolve(), advance: (ms) => (now += ms) };
}

const T0 = Date.parse("2025-03-01T12:00:00.000Z");

describe("AirbyteOutput", () => {
  it("writes RECORD with emitted_at in epoch milliseconds and no SCHEMA", async () => {
    const { writer, text } = capture();
    const clock = fixedClock(T0 + 0.75);
    const output = new AirbyteOutput(writer, { streams: ["spaces"], clock });
    await output.schema("spaces", { type: "object" }, ["token"]);
    await output.record("spaces", { token: "s1", name: "Ops" }, "2025-03-01T11:59:59.000Z");
    await output.state({ bookmarks: {}, currently_syncing: null, tap_mode: { format_version: 1 } });
    await output.flush();
    const parsed = parseAirbyteOutput(text());
    expect(parsed.messages.map((m) => m.type)).toEqual(["RECORD", "STATE"]);
    expect(parsed.messages[0]?.record).toEqual({
      stream: "spaces",
      data: { token: "s1", name: "Ops" },
      emitted_at: T0,
    });
  });

  it(
    "drops ACTIVATE_VERSION (Airbyte has no such message) " + "and leaves a versioned record's data unchanged",
    async () => {
      const { writer, text } = capture();
      const output = new AirbyteOutput(writer, { streams: ["groups"], clock: fixedClock(T0) });
      await output.record("groups", { token: "g1", name: "Ops" }, "2025-03-01T11:59:59.000Z", 1_740_830_400);
      await output.activateVersion("groups", 1_740_830_400);
      await output.state({ bookmarks: {}, currently_syncing: null, tap_mode: { format_version: 1 } });
      await output.flush();
      const parsed = parseAirbyteOutput(text());
      expect(parsed.messages.map((m) => m.type)).toEqual(["RECORD", "STATE"]);
      expect(parsed.messages[0]?.record).toEqual({
        stream: "groups",
        data: { token: "g1", name: "Ops" },
        emitted_at: T0,
      });
    },
  );

  it(
    "writes one STATE per configured stream at each checkpoint, counting each stream's records since its " +
      "last STATE",
    async () => {
      const { writer, text } = capture();
      const clock = fixedClock(T0);
      const output = new AirbyteOutput(writer, { streams: ["spaces", "reports", "groups"], clock, sequence: 10 });
      await output.record("spaces", { token: "s1" }, "");
      await output.record("reports", { token: "r1" }, "");
      await output.record("reports", { token: "r2" }, "");
      await output.state({
        bookmarks: { reports: { replication_key: "updated_at", replication_key_value: "2025-01-01T00:00:00.000Z" } },
        currently_syncing: "spaces",
        tap_mode: { format_version: 1 },
      });
      clock.advance(1000);
      await output.record("reports", { token: "r3" }, "");
      await output.state({
        bookmarks: { reports: { replication_key: "updated_at", replication_key_value: "2025-01-02T00:00:00.000Z" } },
        currently_syncing: null,
        tap_mode: { format_version: 1 },
      });
      await output.flush();
      const parsed = parseAirbyteOutput(text());
      const summary = parsed.states.map((s) => [
        s.stream.stream_descriptor.name,
        s.sourceStats?.recordCount,
        (s.stream.stream_state.tap_mode as { checkpoint: { sequence: number } }).checkpoint.sequence,
      ]);
      expect(summary).toEqual([
        ["spaces", 1, 11],
        ["reports", 2, 11],
        ["groups", 0, 11],
        ["spaces", 0, 12],
        ["reports", 1, 12],
        ["groups", 0, 12],
      ]);
      expect(parsed.states[4]?.stream.stream_state.bookmark).toEqual({
        replication_key: "updated_at",
        replication_key_value: "2025-01-02T00:00:00.000Z",
      });
      expect((parsed.states[5]?.stream.stream_state.tap_mode as { checkpoint: { at: string } }).checkpoint.at).toBe(
        "2025-03-01T12:00:01.000Z",
      );
    },
  );

  it("skips a checkpoint when neither the state nor the records changed", async () => {
    const { writer, text } = capture();
    const output = new AirbyteOutput(writer, { streams: ["spaces"], clock: fixedClock(T0) });
    const state = { bookmarks: {}, currently_syncing: null, tap_mode: { format_version: 1 } };
    await output.state(state);
    await output.state(state);
    await output.record("spaces", { token: "s1" }, "");
    await output.state(state);
    await output.flush();
    expect(parseAirbyteOutput(text()).states.map((s) => s.sourceStats?.recordCount)).toEqual([0, 1]);
  });
});

describe("Airbyte LOG messages", () => {
  it("turns the run's log lines into LOG messages on stdout, at the configured level", async () => {
    const { writer, text } = capture();
    const logger = createAirbyteLogger(writer, "info");
    logger.debug("not shown");
    logger.info('METRIC: {"type":"counter"}');
    logger.warn({ stream: "groups" }, "skipping groups");
    logger.error("failed");
    await writer.flush();
    const logs = parseAirbyteOutput(text()).logs;
    expect(logs).toEqual([
      { level: "INFO", message: 'METRIC: {"type":"counter"}' },
      { level: "WARN", message: 'skipping groups {"stream":"groups"}' },
      { level: "ERROR", message: "failed" },
    ]);
  });

  it("maps every pino level and moves an error's stack into stack_trace", () => {
    const levels = [10, 20, 30, 40, 50, 60].map((level) => logLineToMessage(JSON.stringify({ level, msg: "m" })));
    expect(levels.map((m) => (m.type === "LOG" ? m.log.level : null))).toEqual([
      "TRACE",
      "DEBUG",
      "INFO",
      "WARN",
      "ERROR",
      "FATAL",
    ]);
    const withError = logLineToMessage(
      JSON.stringify({
        level: 50,
        time: "t",
        msg: "boom",
        err: { type: "Error", message: "x", stack: "Error: x\n    at f" },
      }),
    );
    expect(withError).toEqual({
      type: "LOG",
      log: {
        level: "ERROR",
        message: 'boom {"err":{"type":"Error","message":"x"}}',
        stack_trace: "Error: x\n    at f",
      },
    });
    expect(logLineToMessage("not json")).toEqual({ type: "LOG", log: { level: "INFO", message: "not json" } });
  });
});
