import { createHash } from "node:crypto";
import jsep from "jsep";

/**
 * Stream-map expressions: the subset of Python the Meltano SDK's simpleeval evaluator is mostly used with
 * (https://sdk.meltano.com/en/latest/stream_maps.html#constructing-expressions), parsed by jsep into an AST and
 * compiled into closures over a whitelist of node types. Nothing is ever handed to eval or Function; an expression
 * outside the subset is rejected when it is compiled (at start-up), not when the first record reaches it. The supported
 * subset is listed in README.md ("Stream maps").
 *
 * Deliberate differences from Python, so one missing value does not stop a sync: a key or index that is not there
 * reads as null (Python raises KeyError/IndexError); arithmetic, hashing and methods on null give null; comparing
 * null with <, <=, >, >= is false.
 */

/** What an expression may read besides literals: a name's value, or `undefined` when the name is not known. */
export type NameLookup = (name: string) => unknown;

export interface CompiledExpression {
  readonly source: string;
  /** Free names the expression reads (record properties, `record`, `config`, ...); called functions excluded. */
  readonly names: ReadonlySet<string>;
  evaluate(lookup: NameLookup): unknown;
}

/** The expression cannot be compiled: a syntax error, or syntax or a function outside the supported subset. */
export class ExpressionSyntaxError extends Error {
  override readonly name = "ExpressionSyntaxError";
}

/** The expression failed on a value (Python's TypeError/ValueError/NameError equivalents). */
export class ExpressionEvaluationError extends Error {
  override readonly name = "ExpressionEvaluationError";
}

// jsep's operator tables are global to the library; this module is its only user. Python's word operators and
// conditional expression (`a if c else b`, parsed as `(a if c) else b` with `else` right-associative so chains nest
// as Python's do) are added with Python's relative precedence; None/True/False are literals.
jsep.addBinaryOp("else", 0.1, true);
jsep.addBinaryOp("if", 0.2);
jsep.addBinaryOp("or", 1);
jsep.addBinaryOp("and", 2);
jsep.addUnaryOp("not");
for (const op of ["in", "not in", "is", "is not"]) jsep.addBinaryOp(op, 6);
jsep.addLiteral("None", null);
jsep.addLiteral("True", true);
jsep.addLiteral("False", false);

type Node = jsep.Expression;
type Evaluate = (lookup: NameLookup) => unknown;

const fail = (message: string): never => {
  throw new ExpressionEvaluationError(message);
};

/** Python's type name of a JSON value, for error messages. */
function typeName(value: unknown): string {
  if (value === null || value === undefined) return "NoneType";
  if (typeof value === "string") return "str";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  return Array.isArray(value) ? "list" : "dict";
}

/** Python truthiness. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/** Python's str() of a JSON value. */
export function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return pythonJsonDumps(value);
}

/** Python's json.dumps() with its default separators (", ", ": ") and ensure_ascii. */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(", ")}]`;
  if (typeof value === "object")
    return `{${Object.entries(value)
      .map(([k, v]) => `${asciiJson(k)}: ${pythonJsonDumps(v)}`)
      .join(", ")}}`;
  if (typeof value === "string") return asciiJson(value);
  return JSON.stringify(value);
}

function asciiJson(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const hash =
  (algorithm: "md5" | "sha256") =>
  (value: unknown): unknown =>
    value === null || value === undefined ? null : createHash(algorithm).update(pythonStr(value), "utf8").digest("hex");

function toInt(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") return Math.trunc(value);
  if (typeof value === "string" && /^\s*[+-]?\d+(_\d+)*\s*$/.test(value)) return Number(value.replace(/_/g, ""));
  return fail(`int(): invalid literal ${pythonJsonDumps(value)}`);
}

function toFloat(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return fail(`float(): could not convert ${pythonJsonDumps(value)} to float`);
}

function length(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return [...value].length;
  if (Array.isArray(value)) return value.length;
  if (typeof value === "object") return Object.keys(value).length;
  return fail(`len(): object of type '${typeName(value)}' has no len()`);
}

const onString =
  (name: string, apply: (text: string) => unknown) =>
  (value: unknown): unknown => {
    if (value === null || value === undefined) return null;
    if (typeof value !== "string") return fail(`${name}(): expected a str, got '${typeName(value)}'`);
    return apply(value);
  };

/** Functions callable by name, with how many arguments each takes. */
const FUNCTIONS: Readonly<
  Record<string, { readonly arity: readonly number[]; readonly call: (...a: unknown[]) => unknown }>
> = {
  md5: { arity: [1], call: hash("md5") },
  sha256: { arity: [1], call: hash("sha256") },
  str: { arity: [1], call: pythonStr },
  int: { arity: [1], call: toInt },
  float: { arity: [1], call: toFloat },
  bool: { arity: [1], call: truthy },
  len: { arity: [1], call: length },
  lower: { arity: [1], call: onString("lower", (s) => s.toLowerCase()) },
  upper: { arity: [1], call: onString("upper", (s) => s.toUpperCase()) },
};

const stripChars = (chars: unknown): string => (typeof chars === "string" ? chars : " \t\n\r\f\v");
const trimStart = (s: string, chars: string): string => {
  let i = 0;
  while (i < s.length && chars.includes(s[i] as string)) i += 1;
  return s.slice(i);
};
const trimEnd = (s: string, chars: string): string => {
  let i = s.length;
  while (i > 0 && chars.includes(s[i - 1] as string)) i -= 1;
  return s.slice(0, i);
};

function split(s: string, sep?: unknown, maxsplit?: unknown): string[] {
  const limit = typeof maxsplit === "number" && maxsplit >= 0 ? maxsplit : Infinity;
  if (sep === undefined || sep === null) {
    const parts = s
      .trim()
      .split(/\s+/)
      .filter((p) => p !== "");
    return limit === Infinity || parts.length <= limit
      ? parts
      : [...parts.slice(0, limit), parts.slice(limit).join(" ")];
  }
  if (typeof sep !== "string" || sep === "") return fail("split(): the separator must be a non-empty str");
  const parts = s.split(sep);
  return limit === Infinity || parts.length <= limit + 1
    ? parts
    : [...parts.slice(0, limit), parts.slice(limit).join(sep)];
}

/** Methods of str and dict values (`owner_email.split('@')[-1]`, `record.get('x', '')`). */
const METHODS: Readonly<
  Record<string, { readonly arity: readonly number[]; readonly call: (self: unknown, ...a: unknown[]) => unknown }>
> = {
  lower: { arity: [0], call: (v) => onString("lower", (s) => s.toLowerCase())(v) },
  upper: { arity: [0], call: (v) => onString("upper", (s) => s.toUpperCase())(v) },
  strip: {
    arity: [0, 1],
    call: (v, c) => onString("strip", (s) => trimEnd(trimStart(s, stripChars(c)), stripChars(c)))(v),
  },
  lstrip: { arity: [0, 1], call: (v, c) => onString("lstrip", (s) => trimStart(s, stripChars(c)))(v) },
  rstrip: { arity: [0, 1], call: (v, c) => onString("rstrip", (s) => trimEnd(s, stripChars(c)))(v) },
  split: { arity: [0, 1, 2], call: (v, sep, max) => onString("split", (s) => split(s, sep, max))(v) },
  replace: {
    arity: [2],
    call: (v, a, b) => onString("replace", (s) => s.split(pythonStr(a)).join(pythonStr(b)))(v),
  },
  startswith: { arity: [1], call: (v, p) => onString("startswith", (s) => s.startsWith(pythonStr(p)))(v) },
  endswith: { arity: [1], call: (v, p) => onString("endswith", (s) => s.endsWith(pythonStr(p)))(v) },
  get: {
    arity: [1, 2],
    call: (v, key, fallback) => {
      if (v === null || v === undefined) return null;
      if (typeof v !== "object" || Array.isArray(v)) return fail(`'${typeName(v)}' object has no attribute 'get'`);
      const found = (v as Record<string, unknown>)[pythonStr(key)];
      return found === undefined ? (fallback ?? null) : found;
    },
  },
};

/** `json.dumps(x)` and `json.loads(s)`: the SDK exposes Python's json module. */
const JSON_FUNCTIONS: Readonly<Record<string, (value: unknown) => unknown>> = {
  dumps: pythonJsonDumps,
  loads: (value) => {
    if (typeof value !== "string") return fail(`json.loads(): expected a str, got '${typeName(value)}'`);
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return fail("json.loads(): not valid JSON");
    }
  },
};

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === "object" && typeof b === "object" && a !== null && b !== null)
    return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

function contains(container: unknown, item: unknown): boolean {
  if (container === null || container === undefined) return false;
  if (typeof container === "string") {
    if (typeof item !== "string") return fail(`'in <string>' requires a str as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((c) => equal(c, item));
  if (typeof container === "object") return Object.hasOwn(container, pythonStr(item));
  return fail(`argument of type '${typeName(container)}' is not iterable`);
}

function compare(op: string, a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  const comparable =
    (typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string");
  if (!comparable) return fail(`'${op}' not supported between '${typeName(a)}' and '${typeName(b)}'`);
  const x = a as number | string;
  const y = b as number | string;
  return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
}

function arithmetic(op: string, a: unknown, b: unknown): unknown {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (op === "+") {
    if (typeof a === "string" && typeof b === "string") return a + b;
    if (Array.isArray(a) && Array.isArray(b)) return [...(a as unknown[]), ...(b as unknown[])];
  }
  if (typeof a !== "number" || typeof b !== "number")
    return fail(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return b === 0 ? fail("division by zero") : a / b;
    default:
      return b === 0 ? fail("modulo by zero") : ((a % b) + b) % b;
  }
}

/** `value[key]`: dict key, or list/str index (negative counts from the end); missing reads as null. */
function subscript(value: unknown, key: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || Array.isArray(value)) {
    if (typeof key !== "number" || !Number.isInteger(key))
      return fail(`${typeName(value)} indices must be integers, not ${typeName(key)}`);
    const items = typeof value === "string" ? [...value] : (value as unknown[]);
    const found = items[key < 0 ? items.length + key : key];
    return found === undefined ? null : found;
  }
  if (typeof value === "object") {
    const found = (value as Record<string, unknown>)[pythonStr(key)];
    return found === undefined ? null : found;
  }
  return fail(`'${typeName(value)}' object is not subscriptable`);
}

const BINARY = new Set(["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not"]);

interface Compiler {
  readonly names: Set<string>;
}

function checkArity(what: string, arity: readonly number[], count: number): void {
  if (!arity.includes(count))
    throw new ExpressionSyntaxError(`${what}() takes ${arity.join(" or ")} argument${arity.at(-1) === 1 ? "" : "s"}`);
}

function compileNode(node: Node, c: Compiler): Evaluate {
  switch (node.type) {
    case "Literal": {
      const value = (node as jsep.Literal).value;
      if (value instanceof RegExp) throw new ExpressionSyntaxError("regular expression literals are not supported");
      return () => value;
    }
    case "Identifier": {
      const name = (node as jsep.Identifier).name;
      c.names.add(name);
      return (lookup) => {
        const value = lookup(name);
        return value === undefined ? fail(`name '${name}' is not defined`) : value;
      };
    }
    case "ArrayExpression": {
      const items = (node as jsep.ArrayExpression).elements.map((e) => {
        if (e === null) throw new ExpressionSyntaxError("empty list item");
        return compileNode(e, c);
      });
      return (lookup) => items.map((item) => item(lookup));
    }
    case "MemberExpression": {
      const member = node as jsep.MemberExpression;
      if (!member.computed)
        throw new ExpressionSyntaxError(
          `attribute ".${(member.property as jsep.Identifier).name}" is only supported as a method call; ` +
            `read keys with x['key']`,
        );
      const object = compileNode(member.object, c);
      const key = compileNode(member.property, c);
      return (lookup) => subscript(object(lookup), key(lookup));
    }
    case "CallExpression":
      return compileCall(node as jsep.CallExpression, c);
    case "UnaryExpression": {
      const unary = node as jsep.UnaryExpression;
      const argument = compileNode(unary.argument, c);
      if (unary.operator === "not") return (lookup) => !truthy(argument(lookup));
      if (unary.operator === "-" || unary.operator === "+") {
        const sign = unary.operator === "-" ? -1 : 1;
        return (lookup) => {
          const value = argument(lookup);
          if (value === null || value === undefined) return null;
          return typeof value === "number"
            ? sign * value
            : fail(`bad operand type for unary ${unary.operator}: '${typeName(value)}'`);
        };
      }
      throw new ExpressionSyntaxError(`operator "${unary.operator}" is not supported (use not, and, or)`);
    }
    case "BinaryExpression":
      return compileBinary(node as jsep.BinaryExpression, c);
    case "Compound":
      throw new ExpressionSyntaxError("not a single expression (check quotes and operators)");
    default:
      throw new ExpressionSyntaxError(`${node.type} is not supported`);
  }
}

function compileBinary(node: jsep.BinaryExpression, c: Compiler): Evaluate {
  const { operator } = node;
  if (operator === "if") throw new ExpressionSyntaxError("`x if condition` needs an `else` part");
  if (operator === "else") {
    const test = node.left;
    if (test.type !== "BinaryExpression" || (test as jsep.BinaryExpression).operator !== "if")
      throw new ExpressionSyntaxError("`else` without `x if condition` before it");
    const then = compileNode((test as jsep.BinaryExpression).left, c);
    const condition = compileNode((test as jsep.BinaryExpression).right, c);
    const otherwise = compileNode(node.right, c);
    return (lookup) => (truthy(condition(lookup)) ? then(lookup) : otherwise(lookup));
  }
  const left = compileNode(node.left, c);
  const right = compileNode(node.right, c);
  if (operator === "and") return (lookup) => (truthy(left(lookup)) ? right(lookup) : left(lookup));
  if (operator === "or") {
    return (lookup) => {
      const value = left(lookup);
      return truthy(value) ? value : right(lookup);
    };
  }
  if (!BINARY.has(operator))
    throw new ExpressionSyntaxError(`operator "${operator}" is not supported (Python operators only)`);
  switch (operator) {
    case "==":
      return (lookup) => equal(left(lookup), right(lookup));
    case "!=":
      return (lookup) => !equal(left(lookup), right(lookup));
    case "is":
      return (lookup) => (left(lookup) ?? null) === (right(lookup) ?? null);
    case "is not":
      return (lookup) => (left(lookup) ?? null) !== (right(lookup) ?? null);
    case "in":
      return (lookup) => contains(right(lookup), left(lookup));
    case "not in":
      return (lookup) => !contains(right(lookup), left(lookup));
    case "<":
    case "<=":
    case ">":
    case ">=":
      return (lookup) => compare(operator, left(lookup), right(lookup));
    default:
      return (lookup) => arithmetic(operator, left(lookup), right(lookup));
  }
}

function compileCall(node: jsep.CallExpression, c: Compiler): Evaluate {
  const args = node.arguments.map((a) => compileNode(a, c));
  const callee = node.callee;
  if (callee.type === "Identifier") {
    const name = (callee as jsep.Identifier).name;
    const fn = FUNCTIONS[name];
    if (fn === undefined)
      throw new ExpressionSyntaxError(
        `function ${name}() is not supported (supported: ${Object.keys(FUNCTIONS).join(", ")}, json.dumps, json.loads)`,
      );
    checkArity(name, fn.arity, args.length);
    return (lookup) => fn.call(...args.map((a) => a(lookup)));
  }
  if (callee.type === "MemberExpression" && !(callee as jsep.MemberExpression).computed) {
    const member = callee as jsep.MemberExpression;
    const method = (member.property as jsep.Identifier).name;
    if (member.object.type === "Identifier" && (member.object as jsep.Identifier).name === "json") {
      const fn = JSON_FUNCTIONS[method];
      if (fn === undefined)
        throw new ExpressionSyntaxError(`json.${method}() is not supported (json.dumps, json.loads)`);
      checkArity(`json.${method}`, [1], args.length);
      return (lookup) => fn(args[0]?.(lookup));
    }
    const spec = METHODS[method];
    if (spec === undefined)
      throw new ExpressionSyntaxError(
        `method .${method}() is not supported (supported: ${Object.keys(METHODS)
          .map((m) => `.${m}()`)
          .join(", ")})`,
      );
    checkArity(`.${method}`, spec.arity, args.length);
    const self = compileNode(member.object, c);
    return (lookup) => spec.call(self(lookup), ...args.map((a) => a(lookup)));
  }
  throw new ExpressionSyntaxError("only named functions and methods can be called");
}

/** Parses and compiles one expression; throws ExpressionSyntaxError with a one-line reason. */
export function compileExpression(source: string): CompiledExpression {
  let tree: Node;
  try {
    tree = jsep(source);
  } catch (error) {
    throw new ExpressionSyntaxError((error as Error).message);
  }
  const compiler: Compiler = { names: new Set() };
  const evaluate = compileNode(tree, compiler);
  return { source, names: compiler.names, evaluate };
}
