import { describe, expect, it } from "vitest";
import { assertNoSecrets } from "../support/singer-check.js";
import { runCli, tempFiles } from "../support/run-cli.js";

const SECRET = "s3cr3t-DO-NOT-PRINT-9f8e7d";
const TOKEN = "tok-DO-NOT-PRINT-1a2b3c";
const good = { api_token: TOKEN, api_secret: SECRET, workspace: "acme" };

const files = tempFiles({
  "good.json": good,
  "missing-secret.json": { api_token: TOKEN, workspace: "acme" },
  "wrong-type.json": { ...good, rate_limit_requests: "forty" },
  "bad-start.json": { ...good, start_date: "yesterday" },
  "http-remote.json": { ...good, base_url: "http://app.mode.com/api" },
  "invalid.json": "{ not json",
  "empty.json": "",
  "array.json": "[1, 2]",
  "secret-wrong-type.json": { ...good, api_secret: 12345678 },
  "bad-enum.json": { ...good, log_level: "loud" },
  "not-catalog.json": { tables: [] },
  "catalog-no-id.json": { streams: [{ stream: "x", schema: { type: "object" } }] },
  "state-array.json": "[]",
  "state-bad-bookmarks.json": { bookmarks: "none" },
  "state-newer.json": { bookmarks: {}, tap_mode: { format_version: 99 } },
});

interface Case {
  name: string;
  args: string[];
  code: number;
  message: RegExp;
}

const cases: Case[] = [
  {
    name: "a config missing a required key",
    args: ["--config", files.path("missing-secret.json"), "--discover"],
    code: 2,
    message: /missing required setting "api_secret"/,
  },
  {
    name: "a setting of the wrong type",
    args: ["--config", files.path("wrong-type.json"), "--discover"],
    code: 2,
    message: /"rate_limit_requests" must be integer/,
  },
  {
    name: "a start_date that is not RFC 3339",
    args: ["--config", files.path("bad-start.json"), "--discover"],
    code: 2,
    message: /"start_date" must match format "date-time"/,
  },
  {
    name: "http:// to a non-loopback host",
    args: ["--config", files.path("http-remote.json"), "--discover"],
    code: 2,
    message: /"base_url" must use https:\/\//,
  },
  {
    name: "an unreadable config file",
    args: ["--config", files.path("nope.json"), "--discover"],
    code: 2,
    message: /config file .*nope\.json: cannot be read \(ENOENT\)/,
  },
  {
    name: "a config file with invalid JSON",
    args: ["--config", files.path("invalid.json"), "--discover"],
    code: 2,
    message: /invalid\.json: is not valid JSON/,
  },
  {
    name: "an empty config file",
    args: ["--config", files.path("empty.json"), "--discover"],
    code: 2,
    message: /empty\.json: is empty/,
  },
  {
    name: "a config file holding an array",
    args: ["--config", files.path("array.json"), "--discover"],
    code: 2,
    message: /array\.json: must hold a JSON object, found an array/,
  },
  {
    name: "a secret of the wrong type, without echoing it",
    args: ["--config", files.path("secret-wrong-type.json"), "--discover"],
    code: 2,
    message: /"api_secret" must be string/,
  },
  {
    name: "a log_level outside its enum",
    args: ["--config", files.path("bad-enum.json"), "--discover"],
    code: 2,
    message: /"log_level" must be one of "debug", "info", "warn", "error"/,
  },
  {
    name: "a catalog that is not a catalog",
    args: ["--config", files.path("good.json"), "--catalog", files.path("not-catalog.json")],
    code: 2,
    message: /not-catalog\.json/,
  },
  {
    name: "a catalog entry without tap_stream_id",
    args: ["--config", files.path("good.json"), "--catalog", files.path("catalog-no-id.json")],
    code: 2,
    message: /tap_stream_id/,
  },
  {
    name: "a state that is not an object",
    args: ["--config", files.path("good.json"), "--state", files.path("state-array.json")],
    code: 2,
    message: /state .*state-array\.json: must hold a JSON object, found an array/,
  },
  {
    name: "a state whose bookmarks are not an object",
    args: ["--config", files.path("good.json"), "--state", files.path("state-bad-bookmarks.json")],
    code: 2,
    message: /"bookmarks" must be an object/,
  },
  {
    name: "a state from a newer tap version",
    args: ["--config", files.path("good.json"), "--state", files.path("state-newer.json")],
    code: 2,
    message: /newer tap-mode \(state format 99/,
  },
  {
    name: "an unknown flag",
    args: ["--config", files.path("good.json"), "--frobnicate"],
    code: 2,
    message: /Unknown option '--frobnicate'/,
  },
  {
    name: "an impossible combination of flags",
    args: ["--config", files.path("good.json"), "--discover", "--test"],
    code: 2,
    message: /--discover and --test cannot be combined/,
  },
  { name: "no --config for a sync", args: [], code: 2, message: /--config is required/ },
  {
    name: "--catalog and --properties together",
    args: ["--config", files.path("good.json"), "--catalog", "a", "--properties", "b"],
    code: 2,
    message: /either --catalog or --properties/,
  },
  {
    name: "an unknown --about format",
    args: ["--about", "--format", "yaml"],
    code: 2,
    message: /--format must be text, json or markdown/,
  },
];

describe("bad input to the command", () => {
  it.each(cases)(
    "rejects $name with one clear line, exit $code, no stack trace and no secret",
    async ({ args, code, message }) => {
      const result = await runCli(args);
      expect(result.code).toBe(code);
      expect(result.stdout).toBe("");
      const firstLine = result.stderr.split("\n")[0] ?? "";
      expect(firstLine).toMatch(/^CRITICAL /);
      expect(firstLine).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      assertNoSecrets(result.stdout + result.stderr, [SECRET, TOKEN]);
    },
  );

  it("reads settings from TAP_MODE_* variables with --config ENV and casts non-string types", async () => {
    const result = await runCli(["--config", "ENV", "--discover"], {
      env: {
        TAP_MODE_API_TOKEN: TOKEN,
        TAP_MODE_API_SECRET: SECRET,
        TAP_MODE_WORKSPACE: "acme",
        TAP_MODE_RATE_LIMIT_REQUESTS: "notanumber",
      },
    });
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toMatch(
      /environment: TAP_MODE_RATE_LIMIT_REQUESTS must be JSON of type integer/,
    );
    assertNoSecrets(result.stdout + result.stderr, [SECRET, TOKEN]);
  });

  it("warns once about an unknown config key and still runs", async () => {
    const extra = tempFiles({ "c.json": { ...good, shiny_new_option: true } });
    const result = await runCli(["--config", extra.path("c.json"), "--discover"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/unknown setting "shiny_new_option" ignored/);
    expect(JSON.parse(result.stdout)).toHaveProperty("streams");
  });
});
