import type { JsonValue } from "../json.js";
import type { BodyContext } from "./bodies/context.js";
import type { WorkspaceModel } from "./model.js";
import type { ApiResponse } from "./responses.js";
import type { World } from "./world.js";

/** One parsed `/api` request as a handler sees it. */
export interface RouteRequest {
  readonly model: WorkspaceModel;
  readonly world: World;
  readonly body: BodyContext;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Request path without the query string, e.g. `/api/acme/spaces`. */
  readonly path: string;
  /** Parsed JSON request body (POST), undefined when absent or not JSON. */
  readonly json: JsonValue | undefined;
}

export type Handler = (request: RouteRequest) => ApiResponse;

export interface Route {
  readonly method: string;
  /** Path template below `/api`, as statistics name it: `/{ws}/spaces/{space}/reports`. */
  readonly template: string;
  readonly handler: Handler;
}

interface CompiledRoute extends Route {
  readonly segments: readonly string[];
  readonly name: string;
}

export interface RouteMatch {
  readonly route: Route;
  /** `GET /{ws}/spaces`: how statistics name the route. */
  readonly name: string;
  readonly params: Record<string, string>;
}

/**
 * Matches `/api` paths against templates. `{ws}` only matches the simulated workspace, so
 * `/{username}` (user accounts) and unknown workspaces fall through to later routes.
 */
export class Router {
  private readonly routes: CompiledRoute[];
  // Routes by method, then by segment count, in registration order (the first that binds wins).
  private readonly byShape = new Map<string, CompiledRoute[][]>();

  constructor(
    routes: readonly Route[],
    private readonly workspace: string,
  ) {
    this.routes = routes.map((r) => ({
      ...r,
      segments: r.template.split("/").slice(1),
      name: `${r.method} ${r.template}`,
    }));
    for (const route of this.routes) {
      const byLength = this.byShape.get(route.method) ?? [];
      this.byShape.set(route.method, byLength);
      (byLength[route.segments.length] ??= []).push(route);
    }
  }

  /** The route for `method` and `segments` (path below `/api`, split), or undefined. */
  match(method: string, segments: readonly string[]): RouteMatch | undefined {
    for (const route of this.byShape.get(method)?.[segments.length] ?? []) {
      const params = this.bind(route.segments, segments);
      if (params !== undefined) return { route, name: route.name, params };
    }
    return undefined;
  }

  /** Whether any route has this shape for another method (for a useful 404 template name). */
  templates(): readonly string[] {
    return this.routes.map((r) => `${r.method} ${r.template}`);
  }

  private bind(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
    const params: Record<string, string> = {};
    for (let i = 0; i < pattern.length; i++) {
      const expected = pattern[i] as string;
      const actual = segments[i] as string;
      if (actual === "") return undefined;
      if (expected === "{ws}") {
        if (actual !== this.workspace) return undefined;
      } else if (expected.startsWith("{")) {
        params[expected.slice(1, -1)] = actual;
      } else if (expected !== actual) {
        return undefined;
      }
    }
    return params;
  }
}
