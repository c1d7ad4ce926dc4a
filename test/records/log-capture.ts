import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/log.js";

/** A real pino logger (text format) whose lines are kept in memory for assertions. */
export function captureLogger(): { logger: Logger; lines: string[]; warnings: () => string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString("utf8").split("\n")) if (line !== "") lines.push(line);
      callback();
    },
  });
  const logger = createLogger({ level: "debug", format: "text", destination });
  return { logger, lines, warnings: () => lines.filter((line) => line.startsWith("WARNING ")) };
}
