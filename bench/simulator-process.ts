/**
 * The Mode API simulator in a process of its own, so the simulator and the tap do not share one event loop (the
 * machine the figures come from has two cores): the parent talks to it over the IPC channel.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startSimulator, type RunningSimulator } from "../src/simulator/index.js";
import type {
  MinimalRequests,
  Mutation,
  MutationResult,
  SimulatorOptions,
  SimulatorStats,
} from "../src/simulator/types.js";
import { incrementalMinimalRequests } from "./incremental-minimal.js";

/** Simulator options that survive IPC (no clock, no logger). */
export type PlainSimulatorOptions = Omit<SimulatorOptions, "clock" | "logger">;

interface Ready {
  readonly kind: "ready";
  readonly baseUrl: string;
  readonly workspace: string;
  readonly token: string;
  readonly secret: string;
}

interface Call {
  readonly kind: "call";
  readonly id: number;
  readonly method: keyof Methods;
  readonly argument?: unknown;
}

interface Answer {
  readonly kind: "answer";
  readonly id: number;
  readonly value?: unknown;
  readonly error?: string;
}

/** A mutation and the fewest requests an incremental sync needs after it. */
export interface MutationOutcome {
  readonly result: MutationResult;
  readonly minimal: MinimalRequests;
}

/** What the parent may ask the simulator process. */
interface Methods {
  stats(): SimulatorStats;
  resetStats(): boolean;
  minimalRequests(): MinimalRequests;
  /** Records per stream a complete sync must emit (the truth's key counts). */
  truthCounts(): Record<string, number>;
  mutate(mutation: Mutation): MutationOutcome;
}

function methods(sim: RunningSimulator): Methods {
  const { model } = sim;
  return {
    stats: () => model.stats(),
    resetStats: () => {
      model.resetStats();
      return true;
    },
    minimalRequests: () => model.minimalRequests(),
    truthCounts: () => Object.fromEntries(Object.entries(model.truth()).map(([stream, keys]) => [stream, keys.length])),
    mutate: (mutation) => {
      const result = model.mutate(mutation);
      return { result, minimal: incrementalMinimalRequests(model, result) };
    },
  };
}

/** Parent side: a running simulator process. */
export class SimulatorProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    readonly workspace: string,
    readonly token: string,
    readonly secret: string,
  ) {
    child.on("message", (message: Answer) => {
      if (message.kind !== "answer") return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(`simulator process: ${message.error}`));
      else waiter?.resolve(message.value);
    });
    child.on("exit", (code) => {
      for (const waiter of this.pending.values())
        waiter.reject(new Error(`the simulator process exited (code ${code})`));
      this.pending.clear();
    });
  }

  /** Forks the simulator process and resolves once it listens. */
  static start(options: PlainSimulatorOptions): Promise<SimulatorProcess> {
    const child = fork(fileURLToPath(import.meta.url), ["--serve", JSON.stringify(options)], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void =>
        reject(new Error(`the simulator process exited before it listened (code ${code})`));
      child.once("error", reject);
      child.once("exit", onExit);
      child.once("message", (message: Ready) => {
        child.off("exit", onExit);
        resolve(new SimulatorProcess(child, message.baseUrl, message.workspace, message.token, message.secret));
      });
    });
  }

  /** The child's process id (for its CPU time, if wanted). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  call<M extends keyof Methods>(method: M, ...argument: Parameters<Methods[M]>): Promise<ReturnType<Methods[M]>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      const call: Call = { kind: "call", id, method, argument: argument[0] };
      this.child.send(call);
    });
  }

  /** Stops the simulator and waits for its process to exit. */
  stop(): Promise<void> {
    if (this.child.exitCode !== null || !this.child.connected) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.disconnect();
    });
  }
}

/** Child side: starts the simulator, answers calls until the parent disconnects. */
async function serve(options: PlainSimulatorOptions): Promise<void> {
  const sim = await startSimulator(options);
  const api = methods(sim);
  process.on("message", (message: Call) => {
    if (message.kind !== "call") return;
    let answer: Answer;
    try {
      const method = api[message.method] as (argument: unknown) => unknown;
      answer = { kind: "answer", id: message.id, value: method(message.argument) };
    } catch (error) {
      answer = { kind: "answer", id: message.id, error: error instanceof Error ? error.message : String(error) };
    }
    process.send?.(answer);
  });
  process.on("disconnect", () => void sim.stop().then(() => process.exit(0)));
  const ready: Ready = {
    kind: "ready",
    baseUrl: sim.baseUrl,
    workspace: sim.workspace,
    token: sim.token,
    secret: sim.secret,
  };
  process.send?.(ready);
}

if (
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(process.argv[1]).href &&
  process.argv[2] === "--serve"
) {
  serve(JSON.parse(process.argv[3] ?? "{}") as PlainSimulatorOptions).catch((error: unknown) => {
    console.error(`simulator process failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
