import { isJsonObject, type JsonValue } from "../json.js";
import type { WorkspaceModel } from "./model.js";
import type { FaultOptions, MinimalRequestsOptions, Mutation } from "./types.js";

/**
 * The control API, off the `/api` tree and without auth: tests and benchmarks mutate the workspace
 * between syncs, steer faults and read statistics and the truth. JSON in, JSON out.
 */
export interface ControlAnswer {
  readonly status: number;
  readonly body: unknown;
}

const ENDPOINTS = [
  "GET /__control/health",
  "GET /__control/stats",
  "POST /__control/stats/reset",
  "GET /__control/truth",
  "POST /__control/mutate  {touchReports, addRunsToReports, runsEach, addReports, deleteReports, " +
    "addQueries, deleteQueries, deleteCharts, deleteMembers, deleteGroups, deleteDataSources, " +
    "deleteDefinitions, archiveReports, purgeRuns}",
  "GET /__control/faults",
  "PUT|POST /__control/faults  {rate, kinds?, slowMs?, seed?, burst?} or null",
  "GET /__control/minimal-requests?runsPerPage=&schedulesPerPage=&spacesPerPage=&streams=a,b&start=&end=",
];

const MUTATION_KEYS = new Set([
  "touchReports",
  "addRunsToReports",
  "runsEach",
  "addReports",
  "deleteReports",
  "addQueries",
  "deleteQueries",
  "deleteCharts",
  "deleteMembers",
  "deleteGroups",
  "deleteDataSources",
  "deleteDefinitions",
  "archiveReports",
  "purgeRuns",
]);

function parseMutation(body: JsonValue | undefined): Mutation | string {
  if (!isJsonObject(body)) return "body must be a JSON object";
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!MUTATION_KEYS.has(key)) return `unknown mutation: ${key}`;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0)
      return `${key} must be a non-negative integer`;
    out[key] = value;
  }
  return out as Mutation;
}

function optionalInt(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  return value === null ? undefined : Number.parseInt(value, 10);
}

function minimalOptions(query: URLSearchParams): MinimalRequestsOptions {
  const start = query.get("start");
  const end = query.get("end");
  const streams = query.get("streams");
  return {
    ...(optionalInt(query, "runsPerPage") !== undefined ? { runsPerPage: optionalInt(query, "runsPerPage") } : {}),
    ...(optionalInt(query, "schedulesPerPage") !== undefined
      ? { schedulesPerPage: optionalInt(query, "schedulesPerPage") }
      : {}),
    ...(optionalInt(query, "spacesPerPage") !== undefined
      ? { spacesPerPage: optionalInt(query, "spacesPerPage") }
      : {}),
    ...(start !== null && end !== null ? { auditLogs: { start, end } } : {}),
    ...(streams !== null ? { streams: streams.split(",").filter((s) => s !== "") } : {}),
  };
}

/** Answers one control request; `path` is below `/__control` ("" or "/stats", ...). */
export function handleControl(
  model: WorkspaceModel,
  method: string,
  path: string,
  query: URLSearchParams,
  body: JsonValue | undefined,
): ControlAnswer {
  const route = `${method} ${path === "" ? "/" : path}`;
  try {
    switch (route) {
      case "GET /":
        return { status: 200, body: { endpoints: ENDPOINTS } };
      case "GET /health":
        return { status: 200, body: { ok: true } };
      case "GET /stats":
        return { status: 200, body: model.stats() };
      case "POST /stats/reset":
        model.resetStats();
        return { status: 200, body: { ok: true } };
      case "GET /truth":
        return { status: 200, body: model.truth() };
      case "POST /mutate": {
        const mutation = parseMutation(body);
        return typeof mutation === "string"
          ? { status: 400, body: { error: mutation } }
          : { status: 200, body: model.mutate(mutation) };
      }
      case "GET /faults":
        return { status: 200, body: model.faults() };
      case "PUT /faults":
      case "POST /faults":
        if (body !== null && !isJsonObject(body))
          return { status: 400, body: { error: "body must be a fault settings object or null" } };
        model.setFaults(body === null ? null : (body as unknown as FaultOptions));
        return { status: 200, body: model.faults() };
      case "GET /minimal-requests":
        return { status: 200, body: model.minimalRequests(minimalOptions(query)) };
      default:
        return { status: 404, body: { error: `no control endpoint ${route}`, endpoints: ENDPOINTS } };
    }
  } catch (error) {
    if (error instanceof RangeError) return { status: 400, body: { error: error.message } };
    throw error;
  }
}
