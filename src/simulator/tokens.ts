import { hash32, mix32 } from "./random.js";

/**
 * Mode tokens are 12 hex digits (docs/mode-api.md §2.2). The simulator makes each one an invertible
 * permutation (a 4-round Feistel network over 48 bits, keyed by the seed) of a kind tag and an
 * ordinal: tokens look random, never collide, and decode back to the entity without any index.
 */
export const TokenKind = {
  account: 1,
  space: 2,
  report: 3,
  query: 4,
  chart: 5,
  run: 6,
  addedRun: 7,
  queryRun: 8,
  addedQueryRun: 9,
  schedule: 10,
  filter: 11,
  subscription: 12,
  dataSource: 13,
  definition: 14,
  member: 15,
  group: 16,
  groupMembership: 17,
  spaceMembership: 18,
  palette: 19,
  preview: 20,
  misc: 21,
} as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

const ORDINAL_BITS = 43;
/** Largest ordinal a token can carry. */
export const MAX_ORDINAL = 2 ** ORDINAL_BITS - 1;
const HALF = 0x100_0000; // 2^24
const MASK24 = 0xff_ffff;
const ROUNDS = 4;

// The Feistel round function: a keyed mix of one 24-bit half (hot: called 4 times per token).
function round(half: number, key: number, i: number): number {
  return mix32(key ^ mix32(half + Math.imul(i + 1, 0x9e37_79b9))) & MASK24;
}

/** Encodes (kind, ordinal) as a 12-hex token under `key` (derived from the seed). */
export function encodeToken(key: number, kind: TokenKind, ordinal: number): string {
  if (!Number.isSafeInteger(ordinal) || ordinal < 0 || ordinal > MAX_ORDINAL) {
    throw new RangeError(`token ordinal out of range: ${ordinal}`);
  }
  const value = kind * 2 ** ORDINAL_BITS + ordinal;
  let left = Math.floor(value / HALF);
  let right = value % HALF;
  for (let i = 0; i < ROUNDS; i++) {
    const next = left ^ round(right, key, i);
    left = right;
    right = next;
  }
  // Two 24-bit halves, six hex digits each: the same text as `(left * HALF + right).toString(16).padStart(12, "0")`
  // at a quarter of the cost (bodies carry many tokens).
  return hex24(left) + hex24(right);
}

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function hex24(value: number): string {
  return (
    (HEX_BYTE[value >>> 16] as string) + (HEX_BYTE[(value >>> 8) & 0xff] as string) + (HEX_BYTE[value & 0xff] as string)
  );
}

const TOKEN = /^[0-9a-f]{12}$/;

/** Decodes a token made by `encodeToken` with the same key; undefined for anything else. */
export function decodeToken(key: number, token: string): { kind: number; ordinal: number } | undefined {
  if (!TOKEN.test(token)) return undefined;
  const value = Number.parseInt(token, 16);
  let left = Math.floor(value / HALF);
  let right = value % HALF;
  for (let i = ROUNDS - 1; i >= 0; i--) {
    const prev = right ^ round(left, key, i);
    right = left;
    left = prev;
  }
  const plain = left * HALF + right;
  return { kind: Math.floor(plain / 2 ** ORDINAL_BITS), ordinal: plain % 2 ** ORDINAL_BITS };
}

/** Token encoder/decoder bound to one seed. */
export interface Tokens {
  make(kind: TokenKind, ordinal: number): string;
  /** The ordinal of `token` when it is a token of `kind`, else undefined. */
  ordinalOf(kind: TokenKind, token: string): number | undefined;
}

export function createTokens(seed: number): Tokens {
  const key = hash32(seed, 0x70_6b);
  return {
    make: (kind, ordinal) => encodeToken(key, kind, ordinal),
    ordinalOf: (kind, token) => {
      const decoded = decodeToken(key, token);
      return decoded !== undefined && decoded.kind === kind ? decoded.ordinal : undefined;
    },
  };
}
