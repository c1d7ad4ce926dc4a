/**
 * The demo's comparison of the Discovery ("batch") API with the REST walk (docs/discovery.md): the requests a full
 * sync took for spaces, reports, queries and charts each way, from the simulator's per-route counts.
 */

/**
 * REST routes of the walk down to charts: one list of spaces, reports per space, queries per report, charts per query.
 */
const REST_ROUTES = [
  "GET /{ws}/spaces",
  "GET /{ws}/spaces/{space}/reports",
  "GET /{ws}/reports/{report}/queries",
  "GET /{ws}/reports/{report}/queries/{query}/charts",
];
/** The same four as flat workspace-wide Discovery lists. */
const DISCOVERY_ROUTES = ["spaces", "reports", "queries", "charts"].map((list) => `GET /batch/{ws}/${list}`);
const TOKEN_ROUTES = ["POST /batch/{ws}/signature_tokens", "DELETE /batch/{ws}/signature_tokens/{signature_token}"];

/** Lines for the demo's summary, or none when the sync read no Discovery list. */
export function discoveryComparison(byRoute: Readonly<Record<string, number>>): string[] {
  const sum = (routes: readonly string[]): number => routes.reduce((total, r) => total + (byRoute[r] ?? 0), 0);
  const discoveryLists = sum(DISCOVERY_ROUTES);
  if (discoveryLists === 0) return [];
  const allDiscovery = Object.entries(byRoute)
    .filter(([route]) => route.includes(" /batch/"))
    .reduce((total, [, n]) => total + n, 0);
  const tokens = sum(TOKEN_ROUTES);
  const created = byRoute[TOKEN_ROUTES[0] as string] ?? 0;
  const deleted = byRoute[TOKEN_ROUTES[1] as string] ?? 0;
  return [
    `Spaces, reports, queries and charts in the full sync: ${sum(REST_ROUTES)} requests through the REST walk, ` +
      `${discoveryLists} through the Discovery API (discovery_* streams, Enterprise) plus ${tokens} for its ` +
      `signature token;`,
    `all six discovery_* lists took ${allDiscovery} requests in all; signature tokens created ${created}, deleted ` +
      `${deleted}.`,
  ];
}
