import { readFileSync } from "node:fs";
import type { Command } from "../args.js";
import { CatalogError, discoverCatalog } from "../catalog.js";
import { systemClock, type Clock } from "../clock.js";
import { loadConfig, loadConfigSchema } from "../config.js";
import { testConnection } from "../connection-test.js";
import { ConfigError, InputError, TargetClosedError, UsageError, exitCodeOf } from "../errors.js";
import type { JsonValue } from "../json.js";
import { LineWriter } from "../singer/line-writer.js";
import { StateError } from "../state.js";
import { streamDefinitions } from "../streams/registry.js";
import { createRuntime, syncWith, type RunIo, type Runtime } from "../runtime.js";
import { airbyteCatalog, parseConfiguredCatalog, singerCatalogFor } from "./catalog.js";
import { failureTypeOf, oneLine } from "./failure.js";
import { createAirbyteLogger } from "./log-stream.js";
import { catalogMessage, connectionStatusMessage, specMessage, traceErrorMessage } from "./messages.js";
import { AirbyteOutput } from "./output.js";
import { connectorSpecification } from "./spec.js";
import { resumeFromAirbyteState } from "./state.js";

type AirbyteCommand = Extract<Command, { kind: "airbyte" }>;

/**
 * `tap-mode airbyte spec|check|discover|read`: the Airbyte protocol on stdout (docs/singer-notes.md §4.1). Every
 * stdout line is an AirbyteMessage written through the one LineWriter; logs are LOG messages on the same stream. A
 * failure ends with a TRACE ERROR (failure_type config_error, transient_error or system_error) and a non-zero exit,
 * except in `check`, where a bad config or an unreachable workspace is a FAILED connection status and exit 0, as the
 * Airbyte CDK does. `read` runs the same sync engine, streams and rate limiter as Singer mode.
 */
export async function runAirbyte(command: AirbyteCommand, io: RunIo): Promise<number> {
  const writer = new LineWriter(io.stdout);
  const clock = io.clock ?? systemClock();
  try {
    switch (command.action) {
      case "spec":
        await writer.writeJson(specMessage(connectorSpecification(loadConfigSchema())));
        break;
      case "check":
        await check(command, io, writer);
        break;
      case "discover":
        // The catalog is static, but the config must be valid (as in Singer mode and the Airbyte CDK).
        loadConfig(command.configs, io.env);
        await writer.writeJson(catalogMessage(airbyteCatalog(discoverCatalog(), streamDefinitions())));
        break;
      case "read":
        await read(command, io, writer, clock);
        break;
    }
    await writer.flush();
    return 0;
  } catch (error) {
    return fail(error, writer, clock);
  }
}

async function check(command: AirbyteCommand, io: RunIo, writer: LineWriter): Promise<void> {
  let runtime: Runtime;
  try {
    runtime = createRuntime(command.configs, io, {
      maxRetries: 0,
      createLogger: (config) => createAirbyteLogger(writer, config.logLevel),
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    await writer.writeJson(connectionStatusMessage(false, oneLine(error)));
    return;
  }
  try {
    const result = await testConnection(runtime.config, runtime.client);
    await writer.writeJson(connectionStatusMessage(result.ok, result.message));
  } finally {
    await runtime.client.close();
  }
}

async function read(command: AirbyteCommand, io: RunIo, writer: LineWriter, clock: Clock): Promise<void> {
  const runtime = createRuntime(command.configs, io, {
    createLogger: (config) => createAirbyteLogger(writer, config.logLevel),
    // Airbyte has no ACTIVATE_VERSION; its `overwrite` mode replaces a full_refresh table instead (docs/deletions.md).
    emitActivateVersionMessages: false,
  });
  // Stream maps and flattening change stream names and columns; Airbyte records must match the configured catalog.
  if (Object.keys(runtime.config.streamMaps).length > 0 || runtime.config.flatteningEnabled)
    runtime.logger.warn(
      "stream_maps and flattening_enabled apply to the Singer output only; airbyte read ignores them " +
        "(records follow the configured catalog)",
    );
  try {
    const catalogFile = command.catalog;
    if (catalogFile === undefined) throw new UsageError("airbyte read needs --catalog");
    const configured = parseConfiguredCatalog(readJsonFile(catalogFile, "catalog", CatalogError), catalogFile);
    const known = new Set(streamDefinitions().map((d) => d.name));
    const resumed =
      command.state === undefined
        ? undefined
        : resumeFromAirbyteState(readJsonFile(command.state, "state", StateError), command.state, configured);
    const sink = new AirbyteOutput(writer, {
      streams: configured.map((s) => s.name).filter((name) => known.has(name)),
      clock,
      ...(resumed ? { sequence: resumed.sequence } : {}),
    });
    await syncWith(runtime, sink, {
      catalogFile: undefined,
      catalogValue: singerCatalogFor(configured),
      stateFile: undefined,
      ...(resumed ? { stateValue: resumed.state } : {}),
      signal: io.signal,
      clock,
    });
  } finally {
    await runtime.client.close();
  }
}

/** Reads a JSON file of any shape (an Airbyte state is a list); one-line errors naming the file. */
function readJsonFile(path: string, what: string, ErrorType: new (message: string) => InputError): JsonValue {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ErrorType(
      `${what} file ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`,
    );
  }
  if (text.trim() === "") throw new ErrorType(`${what} file ${path}: is empty`);
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new ErrorType(`${what} file ${path}: is not valid JSON (${oneLine(error)})`);
  }
}

/** The TRACE ERROR that ends a failed run; nothing can be written once the consumer closed stdout. */
async function fail(error: unknown, writer: LineWriter, clock: Clock): Promise<number> {
  const code = exitCodeOf(error);
  if (error instanceof TargetClosedError || writer.closed) return code === 0 ? 1 : code;
  const message = oneLine(error);
  const known = error instanceof InputError;
  const trace = traceErrorMessage(clock.now(), {
    message,
    internalMessage: error instanceof Error ? `${error.name}: ${message}` : message,
    ...(!known && error instanceof Error && error.stack !== undefined ? { stackTrace: error.stack } : {}),
    failureType: failureTypeOf(error),
  });
  try {
    await writer.writeJson(trace);
    await writer.flush();
  } catch {
    // stdout failed while reporting; the exit code still says it.
  }
  return code === 0 ? 1 : code;
}
