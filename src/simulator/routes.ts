import type { Route } from "./router.js";
import { reportRoutes } from "./routes-reports.js";
import { runRoutes } from "./routes-runs.js";
import { spaceRoutes } from "./routes-spaces.js";
import { workspaceRoutes } from "./routes-workspace.js";

/**
 * Every `/api` route, most specific first. `/{ws}/collections/...` answers like `/{ws}/spaces/...`
 * (docs/mode-api.md §1.1: HAL links say `collections`, requests usually `spaces`). `/{username}` comes last.
 */
export function apiRoutes(): Route[] {
  const workspace = workspaceRoutes();
  const catchAllUser = workspace.filter((r) => r.template === "/{username}");
  return [
    ...workspace.filter((r) => r.template !== "/{username}"),
    ...spaceRoutes("spaces"),
    ...spaceRoutes("collections"),
    ...reportRoutes(),
    ...runRoutes(),
    ...catchAllUser,
  ];
}
