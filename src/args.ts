import { parseArgs } from "node:util";
import { UsageError } from "./errors.js";

export type AboutFormat = "text" | "json" | "markdown";

/** What the command line asks for (Singer flags, docs/singer-notes.md §1.2 and §3.2). */
export type Command =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "about"; format: AboutFormat; configs: readonly string[] }
  | { kind: "discover"; configs: readonly string[] }
  | { kind: "test"; configs: readonly string[] }
  | { kind: "sync"; configs: readonly string[]; catalog?: string; state?: string }
  | {
      kind: "airbyte";
      action: "spec" | "check" | "discover" | "read";
      configs: readonly string[];
      catalog?: string;
      state?: string;
    };

export const USAGE = `Usage:
  tap-mode --config CONFIG [--config CONFIG2 | --config ENV] [--catalog CATALOG] [--state STATE]
  tap-mode --config CONFIG --discover > catalog.json
  tap-mode --config CONFIG --test
  tap-mode --about [--format text|json|markdown]
  tap-mode --version
  tap-mode airbyte spec|check|discover|read --config CONFIG [--catalog CATALOG] [--state STATE]

Options:
  --config FILE     JSON config (repeatable; later files win). ENV reads TAP_MODE_* environment variables.
  --catalog FILE    Singer catalog selecting streams and fields (--properties is the legacy alias).
  --state FILE      State from a previous run (the last STATE message's value).
  --discover        Print the catalog of every stream and exit.
  --test            Make one authenticated request and report whether the connection works.
  --about           Describe capabilities, settings and streams.
  --version         Print the version.`;

const OPTIONS = {
  config: { type: "string", multiple: true },
  catalog: { type: "string" },
  properties: { type: "string" },
  state: { type: "string" },
  discover: { type: "boolean" },
  test: { type: "boolean" },
  about: { type: "boolean" },
  format: { type: "string" },
  version: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const AIRBYTE_ACTIONS = new Set(["spec", "check", "discover", "read"]);

/** Parses argv (without node and script). Throws UsageError for unknown flags and impossible combinations. */
export function parseCommand(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0] ?? "invalid arguments");
  }
  const { values, positionals } = parsed;
  const configs = values.config ?? [];
  if (values.catalog !== undefined && values.properties !== undefined)
    throw new UsageError("use either --catalog or --properties, not both");
  const catalog = values.catalog ?? values.properties;
  const modes = (["discover", "test", "about", "version"] as const).filter((m) => values[m] === true);
  if (modes.length > 1) throw new UsageError(`--${modes[0]} and --${modes[1]} cannot be combined`);
  if (values.format !== undefined && values.about !== true) throw new UsageError("--format only applies to --about");

  if (positionals.length > 0) {
    if (positionals[0] !== "airbyte") throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const action = positionals[1];
    if (action === undefined || !AIRBYTE_ACTIONS.has(action) || positionals.length > 2)
      throw new UsageError(
        "usage: tap-mode airbyte spec|check|discover|read --config FILE [--catalog FILE] [--state FILE]",
      );
    if (modes.length > 0) throw new UsageError(`--${modes[0]} cannot be combined with the airbyte command`);
    if (action !== "spec" && configs.length === 0) throw new UsageError(`airbyte ${action} needs --config`);
    if (action === "read" && catalog === undefined) throw new UsageError("airbyte read needs --catalog");
    return {
      kind: "airbyte",
      action: action as "spec" | "check" | "discover" | "read",
      configs,
      ...(catalog !== undefined ? { catalog } : {}),
      ...(values.state !== undefined ? { state: values.state } : {}),
    };
  }
  if (values.help === true) return { kind: "help" };
  if (values.version === true) return { kind: "version" };
  if (values.about === true) {
    const format = values.format ?? "text";
    if (format !== "text" && format !== "json" && format !== "markdown")
      throw new UsageError(`--format must be text, json or markdown, not "${format}"`);
    return { kind: "about", format, configs };
  }
  if (values.discover === true || values.test === true) {
    if (catalog !== undefined || values.state !== undefined)
      throw new UsageError(`--${values.discover === true ? "discover" : "test"} does not take --catalog or --state`);
    if (configs.length === 0)
      throw new UsageError(`--${values.discover === true ? "discover" : "test"} needs --config`);
    return values.discover === true ? { kind: "discover", configs } : { kind: "test", configs };
  }
  if (configs.length === 0) throw new UsageError("--config is required");
  return {
    kind: "sync",
    configs,
    ...(catalog !== undefined ? { catalog } : {}),
    ...(values.state !== undefined ? { state: values.state } : {}),
  };
}
