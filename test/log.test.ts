import { describe, expect, it } from "vitest";
import { BatchedText } from "../src/batched-text.js";
import { createLogger, logMetric } from "../src/log.js";

function capture(): { lines: string[]; write(text: string): void } {
  const lines: string[] = [];
  return { lines, write: (text: string) => lines.push(text) };
}

describe("text logger", () => {
  it("writes LEVEL message, with the fields as JSON after the message", () => {
    const out = capture();
    const logger = createLogger({ level: "debug", destination: out });
    logger.info("plain message");
    logger.warn({ endpoint: "/{workspace}/spaces", page: 2 }, "page 2 is empty");
    logger.error({}, "no fields");
    logger.debug("debug line");
    expect(out.lines).toEqual([
      "INFO plain message\n",
      'WARNING page 2 is empty {"endpoint":"/{workspace}/spaces","page":2}\n',
      "ERROR no fields\n",
      "DEBUG debug line\n",
    ]);
  });

  it("writes metric lines exactly as singer-python does, and nothing below the level", () => {
    const out = capture();
    const logger = createLogger({ level: "info", destination: out });
    logger.debug("hidden");
    logMetric(logger, { type: "counter", metric: "record_count", value: 3, tags: { endpoint: "reports" } });
    expect(out.lines).toEqual([
      'INFO METRIC: {"type":"counter","metric":"record_count","value":3,"tags":{"endpoint":"reports"}}\n',
    ]);
  });

  it("keeps pino's JSON lines in json format", () => {
    const out = capture();
    createLogger({ level: "info", format: "json", destination: out }).warn({ page: 2 }, "empty page");
    const entry = JSON.parse(out.lines.join("")) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: "warning", page: 2, msg: "empty page" });
    expect(typeof entry.time).toBe("string");
  });

  it("names levels as strings and writes a metric's point as an object in json format", () => {
    const out = capture();
    const logger = createLogger({ level: "debug", format: "json", destination: out });
    logger.debug("d");
    logger.info("i");
    logger.error("e");
    logger.fatal("f");
    logMetric(logger, { type: "counter", metric: "record_count", value: 3, tags: { endpoint: "reports" } });
    const entries = out.lines
      .join("")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.map((e) => e.level)).toEqual(["debug", "info", "error", "critical", "info"]);
    expect(entries[4]).toMatchObject({
      msg: "METRIC",
      point: { type: "counter", metric: "record_count", value: 3, tags: { endpoint: "reports" } },
    });
  });
});

describe("BatchedText", () => {
  it("hands on the lines of one turn in one write, in order, and flush() writes what is pending", async () => {
    const out = capture();
    const batched = new BatchedText(out);
    batched.write("a\n");
    batched.write("b\n");
    expect(out.lines).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.lines).toEqual(["a\nb\n"]);
    batched.write("c\n");
    batched.flush();
    expect(out.lines).toEqual(["a\nb\n", "c\n"]);
  });

  it("writes at once when 16 KiB have gathered", () => {
    const out = capture();
    const batched = new BatchedText(out);
    const line = `${"x".repeat(1023)}\n`;
    for (let i = 0; i < 16; i++) batched.write(line);
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toHaveLength(16 * 1024);
  });
});
