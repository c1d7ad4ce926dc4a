import { Liquid } from "liquidjs";

/**
 * A Liquid engine for Mode's SQL templates (https://mode.com/help/articles/parameters/: `{{ param }}`, `{% if %}`,
 * `{% assign %}`, `{% for %}`, filters) that cannot reach a file system or the network: templates come from an empty
 * in-memory map, the tags that load other templates (`include`, `render`, `layout`) fail, and parse size, render time
 * and allocations are bounded so a hostile template cannot stall a sync.
 */
export interface SqlTemplateEngine {
  /** The SQL with its Liquid rendered against `variables`; throws on a Liquid error. */
  render(sql: string, variables: Readonly<Record<string, unknown>>): string;
}

export function createSqlTemplateEngine(): SqlTemplateEngine {
  // Built on the first SQL that has Liquid in it (most has none; building costs about as much as parsing a query).
  let liquid: Liquid | undefined;
  return {
    render(sql, variables) {
      if (!sql.includes("{")) return sql;
      liquid ??= sandboxedLiquid();
      return String(liquid.parseAndRenderSync(sql, { ...variables }));
    },
  };
}

function sandboxedLiquid(): Liquid {
  const liquid = new Liquid({
    templates: {},
    // Liquid's own defaults would let an include read files under the working directory.
    root: [],
    partials: [],
    layouts: [],
    relativeReference: false,
    dynamicPartials: false,
    strictFilters: false,
    strictVariables: false,
    ownPropertyOnly: true,
    cache: false,
    parseLimit: 1_000_000,
    renderLimit: 1_000,
    memoryLimit: 10_000_000,
  });
  for (const tag of ["include", "render", "layout"]) {
    liquid.registerTag(tag, {
      parse() {
        throw new Error(`Liquid {% ${tag} %} is not allowed in SQL templates`);
      },
      render() {
        return "";
      },
    });
  }
  return liquid;
}
