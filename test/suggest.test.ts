import { describe, expect, it } from "vitest";
import { closestName, editDistance } from "../src/suggest.js";

describe("closestName", () => {
  it.each([
    ["kitten", "sitting", 3],
    ["worksapce", "workspace", 1],
    ["ab", "ba", 1],
    ["", "abc", 3],
    ["same", "same", 0],
  ])("editDistance(%s, %s) is %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it("finds the nearest name, ignoring case, _ and -, within a distance that grows with the name", () => {
    const names = ["workspace", "api_token", "api_secret", "start_date", "max_retries"];
    expect(closestName("worksapce", names)).toBe("workspace");
    expect(closestName("API-TOKEN", names)).toBe("api_token");
    expect(closestName("startdate", names)).toBe("start_date");
    expect(closestName("max_retires", names)).toBe("max_retries");
    expect(closestName("tok", names)).toBeUndefined();
    expect(closestName("password", names)).toBeUndefined();
  });
});
