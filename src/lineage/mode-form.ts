import { parse as parseYaml } from "yaml";

/**
 * Mode's parameter forms (https://mode.com/help/articles/parameters/): a query declares its parameters in one
 * `{% form %}` … `{% endform %}` block of YAML, one key per parameter with its `type`, `default`, `options`, …, and
 * uses them as Liquid variables (`{{ state }}`). The block is not Liquid: it is cut out before rendering and its
 * defaults become the render's variables.
 */

/** Stand-in for a parameter without a default: a value that reads as a number, a string and an identifier part. */
export const STAND_IN = "0";

// `{% form %}` with Liquid's whitespace-control dashes allowed, up to the matching `{% endform %}`.
const FORM_BLOCK = /\{%-?\s*form\s*-?%\}([\s\S]*?)\{%-?\s*endform\s*-?%\}/g;

export interface ModeForm {
  /** The SQL without its form blocks. */
  readonly sql: string;
  /** Each declared parameter's default value, or STAND_IN (["0"] for a multiselect) where it has none. */
  readonly defaults: Record<string, unknown>;
}

/** Cuts the form blocks out of `sql` and reads their parameters' defaults; a block that is not YAML declares none. */
export function readModeForm(sql: string): ModeForm {
  if (!sql.includes("form")) return { sql, defaults: {} };
  const defaults: Record<string, unknown> = {};
  const stripped = sql.replace(FORM_BLOCK, (_block, body: string) => {
    for (const [name, field] of Object.entries(formFields(body))) defaults[name] = defaultOf(field);
    return "";
  });
  return { sql: stripped, defaults };
}

function formFields(body: string): Record<string, unknown> {
  try {
    const value: unknown = parseYaml(body, { maxAliasCount: 10 });
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function defaultOf(field: unknown): unknown {
  if (typeof field !== "object" || field === null) return STAND_IN;
  const { type, default: value } = field as { type?: unknown; default?: unknown };
  if (value !== undefined && value !== null) return value;
  return type === "multiselect" ? [STAND_IN] : STAND_IN;
}
