import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/errors.js";
import { loadConfig } from "../src/config.js";
import { tempFiles } from "./support/run-cli.js";

const base = { api_token: "tok", api_secret: "sec", workspace: "acme" };

describe("loading the config", () => {
  it("applies the documented defaults", () => {
    const files = tempFiles({ "c.json": base });
    const { config, warnings } = loadConfig([files.path("c.json")], {});
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      baseUrl: "https://app.mode.com/api",
      requestTimeoutSeconds: 300,
      rateLimitRequests: 40,
      rateLimitWindowSeconds: 10,
      maxRetries: 8,
      includePersonalSpaces: true,
      emitActivateVersionMessages: true,
      invalidRecords: "fail",
      logLevel: "info",
    });
    expect(config.userAgent).toMatch(/^tap-mode\/\d+\.\d+\.\d+$/);
  });

  it("merges repeated --config sources, later ones winning, and ENV over files when given last", () => {
    const files = tempFiles({
      "a.json": { ...base, rate_limit_requests: 10 },
      "b.json": { rate_limit_requests: 20, workspace: "other" },
    });
    const env = {
      TAP_MODE_WORKSPACE: "from-env",
      TAP_MODE_INCLUDE_PERSONAL_SPACES: "false",
      TAP_MODE_EMIT_ACTIVATE_VERSION_MESSAGES: "false",
      TAP_MODE_REPORT_RESULTS: '{"reports":["r1"]}',
    };
    const { config } = loadConfig([files.path("a.json"), files.path("b.json"), "ENV"], env);
    expect(config.rateLimitRequests).toBe(20);
    expect(config.workspace).toBe("from-env");
    expect(config.includePersonalSpaces).toBe(false);
    expect(config.emitActivateVersionMessages).toBe(false);
    expect(config.reportResults?.reports).toEqual(["r1"]);
  });

  it("normalises start_date to UTC and strips a trailing slash from base_url", () => {
    const files = tempFiles({
      "c.json": { ...base, start_date: "2024-01-01T02:00:00+02:00", base_url: "http://localhost:8080/api/" },
    });
    const { config } = loadConfig([files.path("c.json")], {});
    expect(config.startDate).toBe("2024-01-01T00:00:00.000Z");
    expect(config.baseUrl).toBe("http://localhost:8080/api");
  });

  it.each(["http://127.0.0.1:1/api", "http://127.9.9.9/api", "http://localhost/api", "http://[::1]:8080/api"])(
    "accepts http:// for the loopback host in %s",
    (url) => {
      const files = tempFiles({ "c.json": { ...base, base_url: url } });
      expect(loadConfig([files.path("c.json")], {}).config.baseUrl).toBe(url);
    },
  );

  it.each([
    ["http://10.0.0.5/api", /"base_url" must use https:\/\//],
    ["http://localhost.evil.com/api", /"base_url" must use https:\/\//],
    ["https://user:pw@app.mode.com/api", /"base_url" must not carry credentials/],
  ])("rejects base_url %s", (url, message) => {
    const files = tempFiles({ "c.json": { ...base, base_url: url } });
    expect(() => loadConfig([files.path("c.json")], {})).toThrow(ConfigError);
    expect(() => loadConfig([files.path("c.json")], {})).toThrow(message);
  });

  it("never echoes the secret in an error about it", () => {
    const files = tempFiles({ "c.json": { ...base, api_secret: "" } });
    let message = "";
    try {
      loadConfig([files.path("c.json")], {});
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/"api_secret" must NOT have fewer than 1 characters/);
    const secretFiles = tempFiles({ "c.json": { ...base, api_secret: ["sekrit-value"] } });
    expect(() => loadConfig([secretFiles.path("c.json")], {})).toThrow(/"api_secret" must be string$/);
  });
});

describe("a misspelt setting", () => {
  const load = (values: Record<string, unknown>): ReturnType<typeof loadConfig> => {
    const files = tempFiles({ "c.json": values });
    return loadConfig([files.path("c.json")], {});
  };
  const errorOf = (values: Record<string, unknown>): string => {
    try {
      load(values);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message.replace(/^config \S+: /, "");
    }
    throw new Error("no error");
  };

  it("is named with the setting it is closest to", () => {
    const { warnings } = load({ ...base, rate_limit_window_second: 2.5, MAX_CONCURRENCY: 2, shiny_new_option: 1 });
    expect(warnings.map((w) => w.replace(/^config \S+: /, ""))).toEqual([
      'unknown setting "rate_limit_window_second": did you mean "rate_limit_window_seconds"?',
      'unknown setting "MAX_CONCURRENCY": did you mean "max_concurrency"?',
      'unknown setting "shiny_new_option" ignored',
    ]);
  });

  it("is named as the cause when it leaves a required setting missing", () => {
    expect(errorOf({ api_token: "t", api_secret: "s", worksapce: "acme" })).toBe(
      'unknown setting "worksapce": did you mean "workspace"? (the required setting "workspace" is missing)',
    );
    expect(errorOf({ apiToken: "t", api_secret: "s", workspace: "acme" })).toBe(
      'unknown setting "apiToken": did you mean "api_token"? (the required setting "api_token" is missing)',
    );
    // No close name: the plain message.
    expect(errorOf({ auth_token: "t", api_secret: "s", workspace: "acme" })).toBe(
      'missing required setting "api_token"',
    );
  });

  it("inside report_results is named with its full path and the nested setting it is closest to", () => {
    expect(errorOf({ ...base, report_results: { reports: ["r1"], trigger_runs: true } })).toBe(
      'unknown setting "report_results.trigger_runs": did you mean "report_results.trigger_run"?',
    );
  });
});
