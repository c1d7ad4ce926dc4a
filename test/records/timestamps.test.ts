import { describe, expect, it } from "vitest";
import { decimalString } from "../../src/records/normalize.js";
import { canonicalTimestamp } from "../../src/records/timestamps.js";

describe("canonicalTimestamp", () => {
  it.each([
    ["2021-12-10T20:55:24.316Z", "2021-12-10T20:55:24.316Z"],
    ["2020-04-06T20:00:00.000+00:00", "2020-04-06T20:00:00.000Z"],
    ["2020-04-06T22:30:00.000+02:30", "2020-04-06T20:00:00.000Z"],
    ["2020-04-06T15:00:00-05:00", "2020-04-06T20:00:00.000Z"],
    ["2025-02-18T10:47:37.000000Z", "2025-02-18T10:47:37.000Z"],
    ["2025-02-18T10:47:37.123999Z", "2025-02-18T10:47:37.123Z"],
    ["2025-02-18T10:47:37.5Z", "2025-02-18T10:47:37.500Z"],
    ["2025-02-18T10:47:37Z", "2025-02-18T10:47:37.000Z"],
    ["2025-02-18 10:47:37", "2025-02-18T10:47:37.000Z"],
    ["2024-12-31T23:30:00.000-01:00", "2025-01-01T00:30:00.000Z"],
    ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z"],
    ["0099-01-01T00:00:00Z", "0099-01-01T00:00:00.000Z"],
  ])("writes %s as %s", (input, expected) => {
    expect(canonicalTimestamp(input)).toBe(expected);
  });

  it.each([
    "yesterday",
    "2021-12-10",
    "2021-13-01T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "2021-12-10T25:00:00Z",
    "2021-12-10T20:55:24.316+25:00",
    "YYYY-MM-DDTHH:MM:SS.msZ",
  ])("refuses %s so validation can name it", (input) => {
    expect(canonicalTimestamp(input)).toBeUndefined();
  });
});

describe("decimalString", () => {
  it("writes ids digit for digit", () => {
    expect(decimalString(1905171)).toBe("1905171");
    expect(decimalString(0)).toBe("0");
    expect(decimalString(-42)).toBe("-42");
    expect(decimalString(1e21)).toBe("1000000000000000000000");
    expect(decimalString(1.5)).toBe("1.5");
  });
});
