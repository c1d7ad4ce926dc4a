import type { Clock } from "../../src/clock.js";
import type { JsonObject, JsonValue } from "../../src/json.js";
import { createRuntime, syncWith, type StreamRegistry } from "../../src/runtime.js";
import type { Catalog } from "../../src/singer/catalog-types.js";
import type { MessageSink } from "../../src/singer/output.js";
import type { TapState } from "../../src/state.js";
import type { RunningSimulator } from "../../src/simulator/index.js";
import { tempFiles } from "../support/run-cli.js";

/** What one in-process sync wrote: records per stream, the last STATE, the log text. */
export interface WalkRun {
  readonly records: ReadonlyMap<string, ReadonlyArray<Record<string, unknown>>>;
  readonly lastState: TapState | undefined;
  readonly logs: string;
}

class CollectingSink implements MessageSink {
  readonly records = new Map<string, Array<Record<string, unknown>>>();
  lastState: TapState | undefined;
  schema(): Promise<void> {
    return Promise.resolve();
  }
  record(stream: string, record: Readonly<Record<string, unknown>>): Promise<void> {
    let list = this.records.get(stream);
    if (list === undefined) this.records.set(stream, (list = []));
    list.push({ ...record });
    return Promise.resolve();
  }
  state(value: JsonValue): Promise<void> {
    this.lastState = structuredClone(value) as unknown as TapState;
    return Promise.resolve();
  }
  activateVersion(): Promise<void> {
    return Promise.resolve();
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
}

const clock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/** A whole sync through `syncWith` against a running simulator, in this process. */
export async function syncInProcess(
  sim: RunningSimulator,
  options: { catalog?: Catalog; state?: TapState; registry?: StreamRegistry; config?: JsonObject } = {},
): Promise<WalkRun> {
  const files = tempFiles({
    "config.json": {
      api_token: sim.token,
      api_secret: sim.secret,
      workspace: sim.workspace,
      base_url: sim.baseUrl,
      rate_limit_requests: 1000,
      rate_limit_window_seconds: 1,
      start_date: "2019-01-01T00:00:00Z",
      ...options.config,
    },
  });
  let logs = "";
  const runtime = createRuntime([files.path("config.json")], {
    stderr: { write: (text: string) => (logs += text) },
    env: {},
    onDebug: () => undefined,
  });
  const sink = new CollectingSink();
  try {
    await syncWith(runtime, sink, {
      catalogFile: undefined,
      stateFile: undefined,
      ...(options.catalog ? { catalogValue: options.catalog } : {}),
      ...(options.state ? { stateValue: options.state } : {}),
      ...(options.registry ? { registry: options.registry } : {}),
      signal: new AbortController().signal,
      clock,
    });
  } finally {
    await runtime.client.close();
  }
  return { records: sink.records, lastState: sink.lastState, logs };
}

/** `catalog` with exactly the streams `select` accepts selected. */
export function selecting(catalog: Catalog, select: (stream: string) => boolean): Catalog {
  return {
    streams: catalog.streams.map((entry) => ({
      ...entry,
      metadata: (entry.metadata ?? []).map((m) =>
        m.breadcrumb.length === 0 ? { ...m, metadata: { ...m.metadata, selected: select(entry.tap_stream_id) } } : m,
      ),
    })),
  };
}
