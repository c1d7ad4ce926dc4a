import { validateFaults } from "./options.js";
import { createPrng, type Prng } from "./random.js";
import type { FaultKind, FaultOptions } from "./types.js";

const KINDS: readonly FaultKind[] = ["500", "502", "503", "429", "reset", "truncate", "slow"];
const DEFAULT_SLOW_MS = 2000;
const DEFAULT_BURST = 3;

/** A fault decided for one request. */
export interface FaultDecision {
  readonly kind: FaultKind;
  /** For `slow`: how long to wait before answering. */
  readonly delayMs: number;
}

/**
 * Seeded fault draws for `/api` requests: with probability `rate` a request gets one fault kind,
 * weighted by `kinds`. A 429 starts a burst: the next `burst - 1` requests of the same token get
 * 429 too, as a server that throttles a client does.
 */
export class FaultInjector {
  private options: FaultOptions = { rate: 0 };
  private prng: Prng;
  private weights: Array<[FaultKind, number]> = [];
  private totalWeight = 0;
  private readonly bursts = new Map<string, number>();

  constructor(private readonly defaultSeed: number) {
    this.prng = createPrng(defaultSeed);
  }

  /** Replaces the settings (and restarts the seeded sequence). Throws RangeError on bad settings. */
  set(options: FaultOptions | null | undefined): void {
    const next = options ?? { rate: 0 };
    validateFaults(next);
    this.options = { ...next };
    this.prng = createPrng(next.seed ?? this.defaultSeed);
    this.weights = KINDS.map((kind): [FaultKind, number] => [
      kind,
      next.kinds === undefined ? 1 : (next.kinds[kind] ?? 0),
    ]).filter(([, w]) => w > 0);
    this.totalWeight = this.weights.reduce((sum, [, w]) => sum + w, 0);
    this.bursts.clear();
  }

  get(): FaultOptions {
    return { ...this.options };
  }

  /** The fault for the next request of `token`, or null. */
  draw(token: string): FaultDecision | null {
    const pending = this.bursts.get(token) ?? 0;
    if (pending > 0) {
      this.bursts.set(token, pending - 1);
      return { kind: "429", delayMs: 0 };
    }
    if (this.options.rate <= 0 || this.totalWeight <= 0) return null;
    if (this.prng.next() >= this.options.rate) return null;
    let ticket = this.prng.next() * this.totalWeight;
    let kind: FaultKind = this.weights[this.weights.length - 1]?.[0] ?? "500";
    for (const [candidate, weight] of this.weights) {
      if (ticket < weight) {
        kind = candidate;
        break;
      }
      ticket -= weight;
    }
    if (kind === "429") this.bursts.set(token, Math.max(0, (this.options.burst ?? DEFAULT_BURST) - 1));
    return { kind, delayMs: kind === "slow" ? (this.options.slowMs ?? DEFAULT_SLOW_MS) : 0 };
  }
}
