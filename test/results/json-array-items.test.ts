import { describe, expect, test } from "vitest";
import { jsonArrayItems, MalformedResultError, TruncatedResultError } from "../../src/sync/results/json-array-items.js";

async function itemsOf(chunks: ReadonlyArray<Buffer | string>, maxItemBytes?: number): Promise<unknown[]> {
  async function* source(): AsyncGenerator<Buffer | string> {
    for (const chunk of chunks) yield chunk;
  }
  const out: unknown[] = [];
  for await (const item of jsonArrayItems(source(), maxItemBytes === undefined ? {} : { maxItemBytes })) out.push(item);
  return out;
}

/** Every way of cutting `text` in two byte chunks (and one byte per chunk). */
function splits(text: string): Buffer[][] {
  const bytes = Buffer.from(text, "utf8");
  const out: Buffer[][] = [[bytes], Array.from(bytes, (b) => Buffer.from([b]))];
  for (let i = 1; i < bytes.length; i++) out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  return out;
}

const AWKWARD = [
  {
    id: 1,
    name: 'The "Quoted" Co',
    note: "a ] and a } and a , inside",
    path: "C:\\temp\\",
    nested: { list: [1, [2, {}]], empty: [] },
  },
  { id: 2, 顧客名: "山田太郎", emoji: "Zoë Müller 🎉", line: "multi\nline", escaped: '\u0000\u001f\\"' },
  { id: 3, amount: -12.5e-3, flag: false, none: null },
];

describe("streaming the rows of a JSON array", () => {
  test(
    "rows come out equal to JSON.parse whatever the chunk boundaries, " + "multi-byte characters and escapes",
    async () => {
      const text = ` \n[${AWKWARD.map((r) => JSON.stringify(r)).join(" ,\n ")}]\n`;
      for (const chunks of splits(text)) expect(await itemsOf(chunks)).toEqual(AWKWARD);
    },
  );

  test("scalar items, strings with brackets and nested arrays are items too", async () => {
    const text = '[1, -2.5e3,true,false ,null,"a]b\\"c", [1,[2]] ,{"k":"}"}]';
    const expected = JSON.parse(text) as unknown[];
    for (const chunks of splits(text)) expect(await itemsOf(chunks)).toEqual(expected);
  });

  test("integers beyond 2^53 are kept as their exact decimal strings", async () => {
    expect(await itemsOf(['[{"id": 12345678901234567890, "small": 42}]'])).toEqual([
      { id: "12345678901234567890", small: 42 },
    ]);
  });

  test("an empty array, an empty body and a byte order mark are accepted", async () => {
    expect(await itemsOf(["[", " ]"])).toEqual([]);
    expect(await itemsOf([])).toEqual([]);
    expect(await itemsOf([" \n"])).toEqual([]);
    expect(await itemsOf([Buffer.from([0xef, 0xbb, 0xbf]), '[{"a":1}]'])).toEqual([{ a: 1 }]);
  });

  test("a body that stops before the closing bracket is truncated, after yielding the complete rows", async () => {
    const seen: unknown[] = [];
    const source = async function* (): AsyncGenerator<string> {
      yield '[{"a":1},{"a":2},{"a"';
    };
    const run = async (): Promise<void> => {
      for await (const item of jsonArrayItems(source())) seen.push(item);
    };
    await expect(run()).rejects.toThrow(TruncatedResultError);
    expect(seen).toEqual([{ a: 1 }, { a: 2 }]);
    await expect(itemsOf(["[1,2"])).rejects.toThrow("result ended before its closing bracket (after 1 rows)");
    await expect(itemsOf(['[{"a":1},'])).rejects.toThrow(TruncatedResultError);
  });

  test("a body that is not an array of rows is malformed, naming what is wrong", async () => {
    await expect(itemsOf(['{"rows": []}'])).rejects.toThrow(MalformedResultError);
    await expect(itemsOf(["<html><body>login</body></html>"])).rejects.toThrow(
      'result is not a JSON array of rows: it starts with "<" (after 0 rows)',
    );
    await expect(itemsOf(['[{"a":1}] x'])).rejects.toThrow("data after the closing bracket");
    await expect(itemsOf(['[{"a":1} {"a":2}]'])).rejects.toThrow('expected "," or "]" after row 1');
    await expect(itemsOf(["[1,,2]"])).rejects.toThrow("unexpected");
    await expect(itemsOf(['[{"a":tru}]'])).rejects.toThrow("row 1 is not valid JSON");
  });

  test("a row larger than the limit is refused instead of filling memory", async () => {
    const big = `[{"blob":"${"x".repeat(5000)}"}]`;
    await expect(itemsOf([big.slice(0, 2000), big.slice(2000, 4000), big.slice(4000)], 3000)).rejects.toThrow(
      "row 1 is larger than 3000 bytes",
    );
  });
});
