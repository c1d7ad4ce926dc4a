import { describe, expect, it } from "vitest";
import { CatalogError, discoverCatalog, formatCatalog, parseCatalog } from "../../src/catalog.js";
import { InputError } from "../../src/errors.js";

function errorOf(json: unknown): CatalogError {
  try {
    parseCatalog(json, "catalog.json");
  } catch (error) {
    if (error instanceof CatalogError) return error;
    throw error;
  }
  throw new Error("parseCatalog accepted the catalog");
}

const schema = { type: "object", properties: {} };

describe("parseCatalog", () => {
  it("reads back the discovered catalog unchanged", () => {
    const catalog = discoverCatalog();
    expect(parseCatalog(formatCatalog(catalog), "catalog.json")).toEqual(JSON.parse(formatCatalog(catalog)));
  });

  it("names the file and the entry missing its tap_stream_id", () => {
    const streams = [0, 1, 2].map((i) => ({ tap_stream_id: `s${i}`, stream: `s${i}`, schema }));
    const error = errorOf({ streams: [...streams, { stream: "reports", schema }] });
    expect(error.message).toBe("catalog.json: streams[3] has no tap_stream_id");
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).not.toContain("\n");
  });

  it.each([
    ["", 'catalog.json: is empty (expected a JSON object with a "streams" array)'],
    ['{"streams": [', "catalog.json: is not valid JSON ("],
    ["[]", 'catalog.json: must hold a JSON object with a "streams" array, found an array'],
    ["{}", 'catalog.json: has no "streams" array'],
    ['{"streams": [42]}', "catalog.json: streams[0] is not an object (found a number)"],
    ['{"streams": [{"tap_stream_id": "reports"}]}', 'catalog.json: streams[0] ("reports") has no schema object'],
    [
      '{"streams": [{"tap_stream_id": "reports", "schema": {}, "metadata": {}}]}',
      'catalog.json: streams[0] ("reports") has a "metadata" that is not an array',
    ],
    [
      '{"streams": [{"tap_stream_id": "reports", "schema": {}, "metadata": [{"metadata": {}}]}]}',
      'catalog.json: streams[0] ("reports") metadata[0] has no breadcrumb array of strings',
    ],
    [
      '{"streams": [{"tap_stream_id": "reports", "schema": {}, "metadata": [{"breadcrumb": []}]}]}',
      'catalog.json: streams[0] ("reports") metadata[0] has no "metadata" object',
    ],
    [
      '{"streams": [{"tap_stream_id": "a", "schema": {}}, {"tap_stream_id": "a", "schema": {}}]}',
      'catalog.json: streams[1] ("a") repeats the tap_stream_id of streams[0]',
    ],
  ])("rejects %j with a one-line message", (text, message) => {
    const error = errorOf(text);
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.message).not.toContain("\n");
  });

  it("fills a missing stream name from the tap_stream_id", () => {
    const catalog = parseCatalog({ streams: [{ tap_stream_id: "reports", schema }] }, "catalog.json");
    expect(catalog.streams[0]?.stream).toBe("reports");
  });
});
