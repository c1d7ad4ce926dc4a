import { describe, expect, it } from "vitest";
import { fillPath } from "../../src/sync/lists.js";

describe("fillPath", () => {
  it("fills every placeholder from the context, escaping the values", () => {
    expect(
      fillPath("/{workspace}/reports/{report}/runs/{run}/query_runs", {
        workspace: "acme",
        report: "r1",
        run: "a b/c",
      }),
    ).toBe("/acme/reports/r1/runs/a%20b%2Fc/query_runs");
    expect(fillPath("/{workspace}", { workspace: "acme" })).toBe("/acme");
    expect(fillPath("/static/path", {})).toBe("/static/path");
  });

  it("names the missing placeholder", () => {
    expect(() => fillPath("/{workspace}/spaces/{space}/reports", { workspace: "acme" })).toThrow(
      "no value for {space} in /{workspace}/spaces/{space}/reports",
    );
  });
});
