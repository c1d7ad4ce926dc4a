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

const LEVEL_NAMES: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARNING",
  50: "ERROR",
  60: "CRITICAL",
};

/**
 * One log call as `LEVEL message {extra}`: the singer-python log format (`%(levelname)s %(message)s`), so metric lines
 * read exactly `INFO METRIC: {...}` (Singer SYNC_MODE.md "Metric Messages") and fatal errors start with `CRITICAL` as
 * callers grep for. The tap logs `(message)` or `(fields, message)`; printf-style arguments and child-logger bindings
 * are not used (and would not be rendered).
 */
function textLine(level: number, args: readonly unknown[]): string {
  const name = LEVEL_NAMES[level] ?? "INFO";
  const [first, second] = args;
  if (typeof first === "object" && first !== null) {
    if (second === METRIC_MESSAGE && "point" in first) return `${name} METRIC: ${JSON.stringify(first.point)}\n`;
    const extra = JSON.stringify(first);
    const tail = extra === "{}" ? "" : ` ${extra}`;
    return `${name} ${second === undefined ? "" : String(second)}${tail}\n`;
  }
  return `${name} ${first === undefined ? "" : String(first)}\n`;
}

/**
 * The one logger of a run: pino, to stderr only. In text form the line is rendered straight from the call's arguments
 * (pino's logMethod hook) rather than serialised to JSON and parsed back: with a METRIC line per request that round
 * trip was a few percent of an unthrottled sync's CPU (`npm run bench`). JSON form is pino's own line.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stderr;
  const level = options.level ?? "info";
  if (options.format === "json")
    return pino(
      {
        level,
        base: undefined,
        timestamp: pino.stdTimeFunctions.isoTime,
        // The same level names as the text lines, lower-case: `"level":"warning"`, not pino's number 40.
        formatters: { level: (_label, number) => ({ level: levelName(number) }) },
      },
      destination,
    );
  return pino(
    {
      level,
      base: undefined,
      timestamp: false,
      hooks: {
        logMethod(args, _method, levelValue) {
          destination.write(textLine(levelValue, args));
        },
      },
    },
    destination,
  );
}

/** A Singer metric point (Singer SYNC_MODE.md "Metric Messages"). */
export interface MetricPoint {
  type: "counter" | "timer";
  metric: string;
  value: number;
  tags: Record<string, string | number>;
}

const METRIC_MESSAGE = "METRIC";

/**
 * Logs a metric point. In text form the line is `INFO METRIC: {json}`, the line format singer-python and the Meltano
 * SDK use; in JSON form the point is an object under `point` (as the Meltano SDK's structured metric records carry
 * it) next to `"msg":"METRIC"`, not a string to parse again.
 */
export function logMetric(logger: Logger, point: MetricPoint): void {
  logger.info({ point }, METRIC_MESSAGE);
}

/** The lower-case level name of a JSON log line (`info`, `warning`, `critical`) for pino's numeric level. */
export function levelName(level: number): string {
  return (LEVEL_NAMES[level] ?? "INFO").toLowerCase();
}
