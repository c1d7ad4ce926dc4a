import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  ExpressionEvaluationError,
  ExpressionSyntaxError,
  compileExpression,
  pythonJsonDumps,
} from "../../src/maps/expression.js";

const record = {
  name: "tap-something",
  owner_email: "Sample1@Example.com",
  count: 21,
  tags: ["a", "b"],
  nested: { id: 7 },
  empty: null,
};
const config = { hash_seed: "super_secret_hash_seed" };

function run(source: string, names: Record<string, unknown> = {}): unknown {
  const scope: Record<string, unknown> = { ...record, record, _: record, config, ...names };
  return compileExpression(source).evaluate((n) => (Object.hasOwn(scope, n) ? (scope[n] ?? null) : undefined));
}

const md5 = (text: string): string => createHash("md5").update(text, "utf8").digest("hex");

describe("stream-map expressions (a Python subset)", () => {
  it.each([
    ["_['name']", "tap-something"],
    ["record['count'] + 1", 22],
    ["owner_email.split('@')[1]", "Example.com"],
    ["owner_email.split('@')[-1].lower()", "example.com"],
    ["owner_email.upper()", "SAMPLE1@EXAMPLE.COM"],
    ["md5(config['hash_seed'] + owner_email)", md5("super_secret_hash_seed" + "Sample1@Example.com")],
    ["sha256(name)", createHash("sha256").update("tap-something").digest("hex")],
    ["'[masked]'", "[masked]"],
    ['"client-123"', "client-123"],
    ["str('[masked]')", "[masked]"],
    ["int('0')", 0],
    ["int(count - 1)", 20],
    ["float('1.5') * 2", 3],
    ["str(count)", "21"],
    ["str(None)", "None"],
    ["bool(count)", true],
    ["len(tags)", 2],
    ["lower(name)", "tap-something"],
    ["'tap-' in name or 'target-' in name", true],
    ["'x' not in name", true],
    ["'b' in tags", true],
    ["count > 20 and not empty", true],
    ["count == 21", true],
    ["count != 21", false],
    ["empty is None", true],
    ["name is not None", true],
    ["'big' if count > 20 else 'small'", "big"],
    ["'a' if count > 30 else 'b' if count > 20 else 'c'", "b"],
    ["bool(empty) if empty else None", null],
    ["nested['id']", 7],
    ["nested.get('missing', 'fallback')", "fallback"],
    ["json.dumps(nested)", '{"id": 7}'],
    ["json.loads('[1, 2]')", [1, 2]],
    ["name.startswith('tap') and name.endswith('thing')", true],
    ["name.replace('-', '_')", "tap_something"],
    ["'  x '.strip()", "x"],
    ["empty or 'default'", "default"],
    ["-count", -21],
    ["count % 4", 1],
    ["[1, 2] + [3]", [1, 2, 3]],
  ])("%s", (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it(
    "reads missing keys and indexes as null, " + "and gives null for operations on null, instead of stopping the sync",
    () => {
      expect(run("nested['missing']")).toBeNull();
      expect(run("tags[5]")).toBeNull();
      expect(run("md5(empty)")).toBeNull();
      expect(run("empty + 'x'")).toBeNull();
      expect(run("empty.lower()")).toBeNull();
      expect(run("empty > 3")).toBe(false);
    },
  );

  it("lists the names an expression reads, not the functions it calls", () => {
    expect([...compileExpression("md5(config['seed'] + owner_email) if name else self").names].sort()).toEqual([
      "config",
      "name",
      "owner_email",
      "self",
    ]);
  });

  it.each([
    ["this should raise an er!ror", "not a single expression"],
    ["1 +", "Expected expression"],
    ["eval('1')", "function eval() is not supported"],
    ["name.__class__()", "method .__class__() is not supported"],
    ["name.upper", 'attribute ".upper" is only supported as a method call'],
    ["count && 1", 'operator "&&" is not supported'],
    ["!count", 'operator "!" is not supported'],
    ["a ? b : c", "ConditionalExpression is not supported"],
    ["x if y", "needs an `else` part"],
    ["md5()", "md5() takes 1 argument"],
    ["fake.first_name()", "method .first_name() is not supported"],
    ["datetime.date.today()", "method .today() is not supported"],
  ])("rejects %s when compiled", (source, reason) => {
    expect(() => compileExpression(source)).toThrow(ExpressionSyntaxError);
    expect(() => compileExpression(source)).toThrow(reason);
  });

  it("fails with Python's reason on a value it cannot handle", () => {
    expect(() => run("int(name)")).toThrow(ExpressionEvaluationError);
    expect(() => run("int(name)")).toThrow('int(): invalid literal "tap-something"');
    expect(() => run("name + count")).toThrow("unsupported operand type(s) for +: 'str' and 'int'");
    expect(() => run("unknown_name")).toThrow("name 'unknown_name' is not defined");
  });

  it("writes JSON as Python's json.dumps does", () => {
    expect(pythonJsonDumps({ a: [1, "é"], b: null, c: true })).toBe('{"a": [1, "\\u00e9"], "b": null, "c": true}');
  });
});
