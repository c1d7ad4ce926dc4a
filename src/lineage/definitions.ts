/**
 * Mode definitions (https://mode.com/help/articles/definitions/): saved SELECT statements a query uses as
 * `{{ @definition_name }}` or `{{ @definition_name as alias }}`, in place of a table. Mode-specific syntax, not
 * Liquid: each reference becomes the definition's SQL as a subquery aliased as written (the definition's name when
 * no alias is given), before the Liquid pass. Definitions may use definitions; a cycle or more than MAX_DEPTH levels
 * stops the expansion.
 */

const REFERENCE = /\{\{-?\s*@([A-Za-z_][\w]*)(?:\s+as\s+([A-Za-z_]\w*|"[^"]+"|`[^`]+`))?\s*-?\}\}/gi;
const MAX_DEPTH = 8;

export type DefinitionLookup = (name: string) => string | undefined;

export interface ExpandedDefinitions {
  readonly sql: string;
  /** Names referenced but not found (or cut off by a cycle or the depth limit), in order of first reference. */
  readonly missing: readonly string[];
}

export function expandDefinitions(sql: string, lookup: DefinitionLookup): ExpandedDefinitions {
  const missing: string[] = [];
  const expand = (text: string, stack: readonly string[]): string =>
    text.includes("@")
      ? text.replace(REFERENCE, (_ref, name: string, alias: string | undefined) => {
          const source = stack.length < MAX_DEPTH && !stack.includes(name) ? lookup(name) : undefined;
          const as = alias ?? name;
          if (source === undefined) {
            if (!missing.includes(name)) missing.push(name);
            // Keeps the query parseable; the missing definition is reported, not taken for a table.
            return `(SELECT 1) AS ${as}`;
          }
          // New lines around the body: a definition may end with a line comment or a semicolon.
          const body = expand(source, [...stack, name]).replace(/;\s*$/, "");
          return `(\n${body}\n) AS ${as}`;
        })
      : text;
  return { sql: expand(sql, []), missing };
}
