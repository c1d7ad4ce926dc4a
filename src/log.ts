import { pino, type Logger, type LevelWithSilent } from "pino";
import type { TextOut } from "./batched-text.js";

export type { Logger } from "pino";

export type LogFormat = "text" | "json";

export interface LoggerOptions {
  level?: LevelWithSilent;
  format?: LogFormat;
  /** Where log lines go. Defaults to stderr: stdout carries Singer messages only (Singer SPEC.md). */
  destination?: TextOut;
}

const LEVEL_NAMES: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARNING", 50: "ERROR", 60: "CRITICAL" };
const PINO_KEYS = new Set(["level", "time", "pid", "hostname", "msg", "name"]);

/**
 * Renders pino's JSON line as `LEVEL message {extra}`: the singer-python log format
 * (`%(levelname)s %(message)s`), so metric lines read exactly `INFO METRIC: {...}` (Singer
 * SYNC_MODE.md "Metric Messages") and fatal errors start with `CRITICAL` as callers grep for.
 */
function textLine(jsonLine: string): string {
  if (jsonLine.endsWith("\n")) jsonLine = jsonLine.slice(0, -1);
  try {
    const entry = JSON.parse(jsonLine) as Record<string, unknown>;
    const level = LEVEL_NAMES[Number(entry.level)] ?? "INFO";
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(entry)) if (!PINO_KEYS.has(k)) extra[k] = v;
    const tail = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : "";
    return `${level} ${String(entry.msg ?? "")}${tail}\n`;
  } catch {
    return `${jsonLine}\n`;
  }
}

/** The one logger of a run: pino, to stderr only. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stderr;
  const format = options.format ?? "text";
  // pino writes one JSON line per call to any object with write(string); no stream machinery in between.
  const sink = format === "json" ? destination : { write: (line: string) => void destination.write(textLine(line)) };
  return pino({ level: options.level ?? "info", base: undefined, timestamp: format === "json" ? pino.stdTimeFunctions.isoTime : false }, sink);
}

/** A Singer metric point (Singer SYNC_MODE.md "Metric Messages"). */
export interface MetricPoint {
  type: "counter" | "timer";
  metric: string;
  value: number;
  tags: Record<string, string | number>;
}

/** Logs `INFO METRIC: {json}`, the line format singer-python and the Meltano SDK use. */
export function logMetric(logger: Logger, point: MetricPoint): void {
  logger.info(`METRIC: ${JSON.stringify(point)}`);
}
