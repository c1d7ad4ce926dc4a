import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { failureTypeOf } from "../../src/airbyte/failure.js";
import { specMessage } from "../../src/airbyte/messages.js";
import { connectorSpecification } from "../../src/airbyte/spec.js";
import { loadConfigSchema } from "../../src/config.js";
import { ConfigError, InterruptedError, UsageError } from "../../src/errors.js";
import {
  AuthenticationError,
  FatalApiError,
  ForbiddenError,
  MalformedResponseError,
  RetriesExhaustedError,
  TimeoutError,
  TransientApiError,
} from "../../src/http/errors.js";
import { StateError } from "../../src/state.js";
import { PROJECT_ROOT } from "../support/run-cli.js";
import { assertAirbyteMessage } from "./protocol.js";

const schema = loadConfigSchema();
const spec = connectorSpecification(schema);
const connection = spec.connectionSpecification as {
  required: string[];
  properties: Record<string, Record<string, unknown>>;
};

describe("Airbyte SPEC", () => {
  it("is a valid SPEC message", () => {
    assertAirbyteMessage(specMessage(spec));
    expect(spec.documentationUrl).toMatch(/^https:\/\//);
  });

  it("describes exactly the settings of schemas/config.json, with the same required ones", () => {
    expect(Object.keys(connection.properties)).toEqual(Object.keys(schema.properties));
    expect(connection.required).toEqual([...schema.required]);
    expect(connection.properties.report_results?.properties).toBeDefined();
  });

  it("flags the credentials airbyte_secret and nothing else", () => {
    const secrets = Object.entries(connection.properties)
      .filter(([, p]) => p.airbyte_secret === true)
      .map(([name]) => name);
    expect(secrets).toEqual(["api_token", "api_secret"]);
    expect(JSON.stringify(spec)).not.toContain('"secret":');
    expect(JSON.stringify(spec)).not.toContain("$comment");
  });

  it("accepts the sample config and rejects one without credentials, as a Draft 7 schema", () => {
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(spec.connectionSpecification);
    const sample = JSON.parse(readFileSync(join(PROJECT_ROOT, "sample-config.json"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(validate(sample)).toBe(true);
    const { api_token: _token, ...withoutToken } = sample;
    expect(validate(withoutToken)).toBe(false);
    expect(validate({ ...sample, rate_limit_requests: 0 })).toBe(false);
  });
});

describe("failure_type of the final TRACE", () => {
  const details = { method: "GET", template: "/{workspace}/spaces", status: 503 };
  it.each([
    [new ConfigError("bad"), "config_error"],
    [new StateError("bad"), "config_error"],
    [new UsageError("bad"), "config_error"],
    [new AuthenticationError({ ...details, status: 401 }), "config_error"],
    [new ForbiddenError({ ...details, status: 403 }), "config_error"],
    [new RetriesExhaustedError(new TransientApiError(details, "server error"), 9), "transient_error"],
    [new TimeoutError(details, "timed out"), "transient_error"],
    [new InterruptedError("SIGTERM"), "transient_error"],
    [new MalformedResponseError(details, "not HAL"), "system_error"],
    [new FatalApiError({ ...details, status: 400 }), "system_error"],
    [new TypeError("bug"), "system_error"],
  ])("classifies %s as %s", (error, expected) => {
    expect(failureTypeOf(error)).toBe(expected);
  });
});
