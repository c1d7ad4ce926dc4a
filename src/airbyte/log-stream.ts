import { Writable } from "node:stream";
import { createLogger, type Logger } from "../log.js";
import type { LineWriter } from "../singer/line-writer.js";
import { logMessage, type AirbyteLogLevel } from "./messages.js";

// The JSON logger's level names (src/log.ts; pino's numbers too) -> AirbyteLogMessage levels (airbyte_protocol.yaml:
// FATAL, ERROR, WARN, INFO, DEBUG, TRACE).
const LEVELS: Readonly<Record<string, AirbyteLogLevel>> = {
  trace: "TRACE",
  debug: "DEBUG",
  info: "INFO",
  warning: "WARN",
  error: "ERROR",
  critical: "FATAL",
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};
const PINO_KEYS = new Set(["level", "time", "pid", "hostname", "msg", "name"]);

/**
 * Turns one pino JSON line into an Airbyte LOG message: the text reads as in Singer mode (`message {extra fields}`, so
 * `METRIC: {...}` lines stay greppable), and an error's stack, when pino serialised one, goes to `stack_trace`.
 */
export function logLineToMessage(line: string): ReturnType<typeof logMessage> {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return logMessage("INFO", line);
  }
  const level = LEVELS[String(entry.level)] ?? "INFO";
  // A metric reads as in Singer mode, `METRIC: {...}`, so it stays greppable.
  if (entry.msg === "METRIC" && typeof entry.point === "object")
    return logMessage(level, `METRIC: ${JSON.stringify(entry.point)}`);
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) if (!PINO_KEYS.has(key)) extra[key] = value;
  const err = extra.err;
  let stack: string | undefined;
  if (typeof err === "object" && err !== null && typeof (err as { stack?: unknown }).stack === "string") {
    stack = (err as { stack: string }).stack;
    const { stack: _omit, ...rest } = err as Record<string, unknown>;
    extra.err = rest;
  }
  const tail = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : "";
  return logMessage(level, `${String(entry.msg ?? "")}${tail}`, stack);
}

/**
 * A Writable for pino that writes each log line as a LOG message through the stdout LineWriter (Airbyte sources log
 * on stdout inside the envelope, docs/singer-notes.md §4.1). Lines are handed to the writer synchronously, in order
 * with the records; a closed stdout drops them (the command reports that failure itself).
 */
export function airbyteLogDestination(writer: LineWriter): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      for (const line of chunk.toString().split("\n")) {
        if (line.length === 0) continue;
        writer.writeJson(logLineToMessage(line)).catch(() => undefined);
      }
      callback();
    },
  });
}

/** The run's logger in Airbyte mode: pino at the configured level, every line a LOG message on stdout. */
export function createAirbyteLogger(writer: LineWriter, level: "debug" | "info" | "warn" | "error"): Logger {
  return createLogger({ level, format: "json", destination: airbyteLogDestination(writer) });
}
