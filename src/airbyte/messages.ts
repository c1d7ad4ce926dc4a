import type { JsonObject } from "../json.js";

/**
 * Airbyte protocol messages, field for field as `airbyte_protocol.yaml` defines them (docs/singer-notes.md §4.2).
 * Every stdout line of `tap-mode airbyte …` is one AirbyteMessage envelope: an upper-case `type` and the payload
 * under its own key.
 */

export interface StreamDescriptor {
  readonly name: string;
  readonly namespace?: string;
}

export type AirbyteLogLevel = "FATAL" | "ERROR" | "WARN" | "INFO" | "DEBUG" | "TRACE";

export type FailureType = "system_error" | "config_error" | "transient_error";

export type SyncMode = "full_refresh" | "incremental";

/** An entry of the CATALOG message (AirbyteStream). */
export interface AirbyteStream {
  readonly name: string;
  readonly json_schema: JsonObject;
  readonly supported_sync_modes: readonly SyncMode[];
  readonly source_defined_cursor: boolean;
  readonly default_cursor_field?: readonly string[];
  readonly source_defined_primary_key: ReadonlyArray<readonly string[]>;
}

export interface AirbyteCatalog {
  readonly streams: readonly AirbyteStream[];
}

export interface ConnectorSpecification {
  readonly documentationUrl?: string;
  readonly connectionSpecification: JsonObject;
}

export type AirbyteMessage =
  | {
      readonly type: "RECORD";
      readonly record: {
        readonly stream: string;
        readonly data: Readonly<Record<string, unknown>>;
        readonly emitted_at: number;
      };
    }
  | {
      readonly type: "STATE";
      readonly state: {
        readonly type: "STREAM";
        readonly stream: { readonly stream_descriptor: StreamDescriptor; readonly stream_state: JsonObject };
        readonly sourceStats: { readonly recordCount: number };
      };
    }
  | {
      readonly type: "LOG";
      readonly log: { readonly level: AirbyteLogLevel; readonly message: string; readonly stack_trace?: string };
    }
  | { readonly type: "SPEC"; readonly spec: ConnectorSpecification }
  | {
      readonly type: "CONNECTION_STATUS";
      readonly connectionStatus: { readonly status: "SUCCEEDED" | "FAILED"; readonly message: string };
    }
  | { readonly type: "CATALOG"; readonly catalog: AirbyteCatalog }
  | {
      readonly type: "TRACE";
      readonly trace: {
        readonly type: "ERROR";
        readonly emitted_at: number;
        readonly error: {
          readonly message: string;
          readonly internal_message?: string;
          readonly stack_trace?: string;
          readonly failure_type: FailureType;
        };
      };
    };

/** RECORD: `emitted_at` is epoch milliseconds, an integer (AirbyteRecordMessage). */
export function recordMessage(
  stream: string,
  data: Readonly<Record<string, unknown>>,
  emittedAtMs: number,
): AirbyteMessage {
  return { type: "RECORD", record: { stream, data, emitted_at: Math.trunc(emittedAtMs) } };
}

/**
 * Per-stream STATE (AirbyteStateType STREAM). `sourceStats.recordCount` is the number of this stream's records since
 * its previous STATE, which the platform compares with what it counted (AirbyteStateStats).
 */
export function streamStateMessage(stream: string, streamState: JsonObject, recordCount: number): AirbyteMessage {
  return {
    type: "STATE",
    state: {
      type: "STREAM",
      stream: { stream_descriptor: { name: stream }, stream_state: streamState },
      sourceStats: { recordCount },
    },
  };
}

export function logMessage(level: AirbyteLogLevel, message: string, stackTrace?: string): AirbyteMessage {
  return {
    type: "LOG",
    log: stackTrace === undefined ? { level, message } : { level, message, stack_trace: stackTrace },
  };
}

export function specMessage(spec: ConnectorSpecification): AirbyteMessage {
  return { type: "SPEC", spec };
}

export function connectionStatusMessage(ok: boolean, message: string): AirbyteMessage {
  return { type: "CONNECTION_STATUS", connectionStatus: { status: ok ? "SUCCEEDED" : "FAILED", message } };
}

export function catalogMessage(catalog: AirbyteCatalog): AirbyteMessage {
  return { type: "CATALOG", catalog };
}

/** TRACE ERROR: how a source reports the failure that ends it (AirbyteErrorTraceMessage). */
export function traceErrorMessage(
  emittedAtMs: number,
  error: {
    readonly message: string;
    readonly internalMessage?: string;
    readonly stackTrace?: string;
    readonly failureType: FailureType;
  },
): AirbyteMessage {
  return {
    type: "TRACE",
    trace: {
      type: "ERROR",
      emitted_at: Math.trunc(emittedAtMs),
      error: {
        message: error.message,
        ...(error.internalMessage !== undefined ? { internal_message: error.internalMessage } : {}),
        ...(error.stackTrace !== undefined ? { stack_trace: error.stackTrace } : {}),
        failure_type: error.failureType,
      },
    },
  };
}
