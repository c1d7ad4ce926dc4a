/**
 * Deterministic randomness: every generated value is a pure function of the seed and the entity's
 * ordinal, so two simulators with one seed serve identical bodies and nothing needs to be stored.
 */

const TWO_32 = 0x1_0000_0000;

/** murmur3's 32-bit finaliser: a fast avalanche mix. */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of non-negative integers (each may exceed 2^32, up to 2^53). */
export function hash32(...parts: readonly number[]): number {
  let h = 0x9e37_79b9;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as number;
    h = mix32(h ^ mix32((part >>> 0) + 0x7f4a_7c15));
    // The high word only matters for parts of 2^32 and more (ordinals up to 2^43).
    if (part >= TWO_32) h = mix32(h ^ mix32((Math.floor(part / TWO_32) >>> 0) + 0x2545_f491));
  }
  return h;
}

/** A float in [0, 1) from a hash. */
export function unit(...parts: readonly number[]): number {
  return hash32(...parts) / TWO_32;
}

/** An integer in [min, max] from a hash. */
export function between(min: number, max: number, ...parts: readonly number[]): number {
  return min + Math.floor(unit(...parts) * (max - min + 1));
}

/** One element of a non-empty list, chosen by a hash. */
export function pick<T>(list: readonly T[], ...parts: readonly number[]): T {
  const item = list[hash32(...parts) % list.length];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

/** `count` hex digits from a hash stream (signatures, S3 keys). */
export function hexDigits(count: number, ...parts: readonly number[]): string {
  let out = "";
  for (let i = 0; out.length < count; i++)
    out += hash32(...parts, i)
      .toString(16)
      .padStart(8, "0");
  return out.slice(0, count);
}

/** A small seeded PRNG (mulberry32) for sequences drawn in order: mutations, fault draws. */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

export function createPrng(seed: number): Prng {
  let state = hash32(seed, 0x5eed) | 0;
  const next = (): number => {
    state = (state + 0x6d2b_79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_32;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

/** Picks `count` distinct items (or all of them) with a PRNG, in a stable order. */
export function sample<T>(items: readonly T[], count: number, prng: Prng): T[] {
  const pool = items.slice();
  const taken: T[] = [];
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + prng.int(pool.length - i);
    const chosen = pool[j] as T;
    pool[j] = pool[i] as T;
    pool[i] = chosen;
    taken.push(chosen);
  }
  return taken;
}
