import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { TargetClosedError } from "../../src/errors.js";
import { LineWriter } from "../../src/singer/line-writer.js";
import { SingerOutput } from "../../src/singer/output.js";
import { checkSingerOutput } from "../support/singer-check.js";

/** A consumer that accepts one chunk at a time, slowly, with a tiny buffer: write() returns false almost always. */
function slowConsumer(delayMs: number): { stream: Writable; received: () => string; highWaterHits: () => number } {
  const chunks: string[] = [];
  let pressure = 0;
  const stream = new Writable({
    highWaterMark: 64,
    write(chunk: Buffer, _enc, callback) {
      chunks.push(chunk.toString("utf8"));
      setTimeout(callback, delayMs);
    },
  });
  const original = stream.write.bind(stream);
  stream.write = ((...args: Parameters<Writable["write"]>) => {
    const ok = original(...args);
    if (!ok) pressure++;
    return ok;
  }) as Writable["write"];
  return { stream, received: () => chunks.join(""), highWaterHits: () => pressure };
}

describe("the Singer writer", () => {
  it(
    "delivers every message in order to a slow consumer, " + "waiting for drain instead of buffering without bound",
    async () => {
      const consumer = slowConsumer(1);
      const output = new SingerOutput(new LineWriter(consumer.stream));
      await output.schema(
        "reports",
        { type: "object", properties: { token: { type: "string" }, n: { type: "integer" } } },
        ["token"],
      );
      let maxPending = 0;
      for (let n = 0; n < 300; n++) {
        await output.record("reports", { token: `t${n}`, n }, "2026-01-01T00:00:00.000Z");
        maxPending = Math.max(maxPending, consumer.stream.writableLength);
      }
      await output.state({ bookmarks: { reports: { n: 299 } } });
      await output.flush();
      const parsed = checkSingerOutput(consumer.received());
      const records = parsed.records.get("reports") ?? [];
      expect(records.map((r) => r.n)).toEqual(Array.from({ length: 300 }, (_, n) => n));
      expect(parsed.lastState).toEqual({ bookmarks: { reports: { n: 299 } } });
      expect(consumer.highWaterHits()).toBeGreaterThan(0);
      // Awaiting drain keeps at most about one message beyond the consumer's 64-byte buffer.
      expect(maxPending).toBeLessThan(300);
    },
  );

  it("writes each message as one JSON line with the singer-python field names", async () => {
    const consumer = slowConsumer(0);
    const output = new SingerOutput(new LineWriter(consumer.stream));
    await output.schema(
      "runs",
      {
        type: "object",
        properties: { token: { type: "string" }, updated_at: { type: "string", format: "date-time" } },
      },
      ["token"],
      ["updated_at"],
    );
    await output.record("runs", { token: "a1", updated_at: "2026-01-01T00:00:00.000Z" }, "2026-01-02T00:00:00.000Z");
    await output.state({ bookmarks: {} });
    await output.flush();
    const lines = consumer
      .received()
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      {
        type: "SCHEMA",
        stream: "runs",
        schema: {
          type: "object",
          properties: { token: { type: "string" }, updated_at: { type: "string", format: "date-time" } },
        },
        key_properties: ["token"],
        bookmark_properties: ["updated_at"],
      },
      {
        type: "RECORD",
        stream: "runs",
        record: { token: "a1", updated_at: "2026-01-01T00:00:00.000Z" },
        time_extracted: "2026-01-02T00:00:00.000Z",
      },
      { type: "STATE", value: { bookmarks: {} } },
    ]);
  });

  it("hands lines to the stream in batches, in order, with a STATE after the records it follows", async () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, callback) {
        chunks.push(chunk.toString("utf8"));
        callback();
      },
    });
    const writer = new LineWriter(stream);
    for (let n = 0; n < 1000; n++) await writer.writeJson({ type: "RECORD", stream: "s", record: { n } });
    await writer.writeJson({ type: "STATE", value: { n: 999 } });
    await writer.flush();
    const lines = chunks
      .join("")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; record?: { n: number } });
    expect(lines).toHaveLength(1001);
    expect(lines.slice(0, 1000).map((l) => l.record?.n)).toEqual(Array.from({ length: 1000 }, (_, n) => n));
    expect(lines.at(-1)?.type).toBe("STATE");
    expect(chunks.filter((c) => c.length > 0).length).toBeLessThan(20);
  });

  it("skips a STATE identical to the previous one", async () => {
    const consumer = slowConsumer(0);
    const output = new SingerOutput(new LineWriter(consumer.stream));
    await output.state({ bookmarks: { a: { v: 1 } } });
    await output.state({ bookmarks: { a: { v: 1 } } });
    await output.state({ bookmarks: { a: { v: 2 } } });
    await output.flush();
    expect(consumer.received().trimEnd().split("\n")).toHaveLength(2);
  });

  it("turns a closed pipe (EPIPE) into a TargetClosedError for pending and later writes", async () => {
    const stream = new Writable({
      highWaterMark: 16,
      write(_chunk, _enc, callback) {
        const error = Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
        setTimeout(() => callback(error), 1);
      },
    });
    const writer = new LineWriter(stream);
    await writer.writeLine(JSON.stringify({ type: "STATE", value: { padding: "x".repeat(100) } }));
    await expect(writer.flush()).rejects.toBeInstanceOf(TargetClosedError);
    await expect(writer.writeLine("{}")).rejects.toThrow(/closed the pipe/);
    expect(writer.closed).toBe(true);
  });
});
