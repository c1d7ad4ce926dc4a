import type { Command } from "./args.js";
import { renderAbout } from "./about.js";
import { loadConfigSchema } from "./config.js";
import { testConnection } from "./connection-test.js";
import { createLogger } from "./log.js";
import { packageInfo } from "./package-info.js";
import { LineWriter } from "./singer/line-writer.js";
import { SingerOutput } from "./singer/output.js";
import { streamDefinitions } from "./streams/registry.js";
import { systemClock } from "./clock.js";
import { discoverCatalog, formatCatalog } from "./catalog.js";
import { runAirbyte } from "./airbyte/command.js";
import { withStreamMaps } from "./maps/mapped-sink.js";
import { configAndLogger, createRuntime, syncWith, type RunIo } from "./runtime.js";

/** Runs a parsed command (all but help/version, which the CLI answers itself). Returns the exit code. */
export async function runCommand(command: Command, io: RunIo): Promise<number> {
  switch (command.kind) {
    case "about": {
      io.stdout.write(
        renderAbout({ info: packageInfo(), schema: loadConfigSchema(), streams: streamDefinitions() }, command.format),
      );
      return 0;
    }
    case "discover": {
      // Discovery needs no API call (the catalog is static), but the config must be valid (Singer SPEC.md synopsis).
      configAndLogger(command.configs, io);
      io.stdout.write(formatCatalog(discoverCatalog()));
      return 0;
    }
    case "test": {
      // One line is the whole answer: request metrics and info logs stay quiet unless debugging.
      const runtime = createRuntime(command.configs, io, {
        maxRetries: 0,
        createLogger: (config) =>
          createLogger({
            level: config.logLevel === "debug" ? "debug" : "warn",
            format: config.logFormat,
            destination: io.stderr,
          }),
      });
      try {
        const result = await testConnection(runtime.config, runtime.client);
        (result.ok ? io.stdout : io.stderr).write(`${result.message}\n`);
        return result.ok ? 0 : 1;
      } finally {
        await runtime.client.close();
      }
    }
    case "sync": {
      const runtime = createRuntime(command.configs, io);
      try {
        // Stream maps and flattening apply to what is written, after all other tap logic (src/maps/).
        const maps = withStreamMaps(new SingerOutput(new LineWriter(io.stdout)), runtime.config);
        await syncWith(runtime, maps.sink, {
          checkStreams: maps.check,
          catalogFile: command.catalog,
          stateFile: command.state,
          signal: io.signal,
          clock: io.clock ?? systemClock(),
        });
        return 0;
      } finally {
        await runtime.client.close();
      }
    }
    case "airbyte":
      return runAirbyte(command, io);
    default:
      return 2;
  }
}
