import type { JsonObject } from "../json.js";
import { FaultInjector } from "./faults.js";
import { generateWorkspace } from "./generate.js";
import { applyMutation, finishRun, startRun, type MutationContext } from "./mutations.js";
import type { ResolvedOptions } from "./options.js";
import { createPrng } from "./random.js";
import { LeakyBucketLimiter } from "./rate-limit.js";
import { runAt, runCount, type RunView } from "./runs.js";
import type { ReportState, SpaceState } from "./state.js";
import { StatsRecorder } from "./stats.js";
import { createSqlTexts } from "./text.js";
import { createMonotonicNow, GENERATED_BEFORE, type MonotonicNow } from "./time.js";
import { createTokens } from "./tokens.js";
import { computeTruth, countMinimalRequests, type Truth } from "./truth.js";
import type {
  FaultOptions,
  MinimalRequests,
  MinimalRequestsOptions,
  Mutation,
  MutationResult,
  SimulatorStats,
} from "./types.js";
import type { World } from "./world.js";

/**
 * The simulated workspace and everything around it that tests drive: truth, statistics, faults,
 * mutations and POSTed runs. One instance per simulator; nothing is module-level.
 */
export class WorkspaceModel {
  /** Seed, sizes, tokens and state shared by the route handlers and body builders. */
  readonly world: World;
  readonly options: ResolvedOptions;
  readonly recorder: StatsRecorder;
  readonly faultInjector: FaultInjector;
  readonly limiter: LeakyBucketLimiter | null;
  private readonly clockNow: MonotonicNow;
  private readonly mutation: MutationContext;
  private readonly pending = new Set<AbortController>();
  private nonce = 0;

  constructor(options: ResolvedOptions) {
    this.options = options;
    const base = {
      seed: options.seed,
      workspace: options.workspace,
      size: options.size,
      tokens: createTokens(options.seed),
      integerIds: options.integerIds,
      sql: createSqlTexts(options.seed),
    };
    this.world = { ...base, state: generateWorkspace(base) };
    const clock = options.clock;
    // Mutations come after every generated timestamp (all before 2026-06-01), whatever the clock says.
    this.clockNow = createMonotonicNow(() => clock.now(), GENERATED_BEFORE);
    this.mutation = {
      world: this.world,
      now: this.clockNow,
      prng: createPrng(options.seed ^ 0x6d75_7461),
      runsBumpUpdatedAt: options.runsBumpReportUpdatedAt,
    };
    this.recorder = new StatsRecorder(() => clock.now());
    this.faultInjector = new FaultInjector(options.seed);
    if (options.faults !== undefined) this.faultInjector.set(options.faults);
    this.limiter =
      options.rateLimit === false
        ? null
        : new LeakyBucketLimiter(options.rateLimit.requests, options.rateLimit.windowMs, () => clock.now());
  }

  /** Every primary key per tap stream, sorted (see truth.ts for what is included). */
  truth(): Truth {
    return computeTruth(this.world);
  }

  stats(): SimulatorStats {
    return this.recorder.snapshot();
  }

  resetStats(): void {
    this.recorder.reset();
  }

  /** Replaces the fault settings at run time; null or `{rate: 0}` turns faults off. */
  setFaults(faults: FaultOptions | null): void {
    this.faultInjector.set(faults);
  }

  faults(): FaultOptions {
    return this.faultInjector.get();
  }

  /** Changes the workspace (see mutations.ts); returns the tokens affected. */
  mutate(m: Mutation): MutationResult {
    return applyMutation(this.mutation, m);
  }

  /** The fewest GET requests a complete full sync needs (see truth.ts for exactly what is counted). */
  minimalRequests(options?: MinimalRequestsOptions): MinimalRequests {
    return countMinimalRequests(this.world, this.options.admin, options);
  }

  /** A different number on every call (volatile signed fields). */
  nextNonce(): number {
    return ++this.nonce;
  }

  /** Live report or dataset by token. */
  report(token: string): ReportState | undefined {
    return this.world.state.reportsByToken.get(token);
  }

  space(token: string): SpaceState | undefined {
    return this.world.state.spaces.find((s) => s.token === token);
  }

  /**
   * `POST …/runs`: a run in state `enqueued` that becomes `succeeded` (or `failed`) after
   * `runDelayMs`, with `completed_at` set and one query run per query (docs/mode-api.md §4).
   */
  createRun(report: ReportState, parameters: JsonObject): RunView {
    const run = startRun(this.mutation, report, parameters, 0);
    const view = runAt(this.world, report, runCount(report) - 1);
    const controller = new AbortController();
    this.pending.add(controller);
    this.options.clock.sleep(this.options.runDelayMs, controller.signal).then(
      () => {
        this.pending.delete(controller);
        finishRun(this.mutation, report, run);
      },
      () => this.pending.delete(controller),
    );
    return view;
  }

  /** Cancels pending run progressions (server stop). */
  close(): void {
    for (const controller of this.pending) controller.abort(new Error("simulator stopped"));
    this.pending.clear();
  }
}
