import { describe, expect, it } from "vitest";
import { createTokens, decodeToken, encodeToken, MAX_ORDINAL, TokenKind } from "../../src/simulator/tokens.js";

describe("tokens", () => {
  it("are 12 hex digits that decode back to their kind and ordinal", () => {
    for (const ordinal of [0, 1, 2, 4095, 123_456_789, MAX_ORDINAL]) {
      const token = encodeToken(77, TokenKind.queryRun, ordinal);
      expect(token).toMatch(/^[0-9a-f]{12}$/);
      expect(decodeToken(77, token)).toEqual({ kind: TokenKind.queryRun, ordinal });
    }
    expect(() => encodeToken(77, TokenKind.run, MAX_ORDINAL + 1)).toThrow(RangeError);
  });

  it("never collide across kinds and ordinals, and differ by seed", () => {
    const a = createTokens(1);
    const seen = new Set<string>();
    for (const kind of [TokenKind.report, TokenKind.run, TokenKind.chart])
      for (let i = 0; i < 20_000; i++) seen.add(a.make(kind, i));
    expect(seen.size).toBe(60_000);
    const b = createTokens(2);
    expect(b.make(TokenKind.report, 0)).not.toBe(a.make(TokenKind.report, 0));
    expect(a.ordinalOf(TokenKind.report, a.make(TokenKind.report, 99))).toBe(99);
    expect(a.ordinalOf(TokenKind.run, a.make(TokenKind.report, 99))).toBeUndefined();
    expect(a.ordinalOf(TokenKind.report, "not-a-token")).toBeUndefined();
  });
});
