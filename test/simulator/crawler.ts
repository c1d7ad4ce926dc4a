import { embedded, type Client, type Json } from "./helpers.js";

/**
 * A reference walk of the whole API the way a careful tap does it: spaces with filter=all, every
 * paged list page by page with the largest page size, stopping by the pagination counters, every
 * child list per parent. Collects primary keys per tap stream and counts requests.
 */
export interface Crawl {
  readonly keys: Record<string, string[]>;
  readonly requests: number;
}

export async function crawlWorkspace(api: Client, ws: string): Promise<Crawl> {
  let requests = 0;
  const keys: Record<string, string[]> = {};
  const add = (stream: string, values: readonly string[]): void => {
    (keys[stream] ??= []).push(...values);
  };

  async function get(path: string): Promise<Json> {
    requests++;
    const answer = await api.get(path);
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}`);
    return answer.json<Json>();
  }

  /** Every item of a list: page=1,2,... while the counters say there is more. */
  async function list(path: string, key: string, perPage?: number): Promise<Json[]> {
    const items: Json[] = [];
    for (let page = 1; ; page++) {
      const params = new URLSearchParams(path.includes("?") ? path.slice(path.indexOf("?") + 1) : "");
      params.set("page", String(page));
      if (perPage !== undefined) params.set("per_page", String(perPage));
      const base = path.includes("?") ? path.slice(0, path.indexOf("?")) : path;
      const body = await get(`${base}?${params.toString()}`);
      items.push(...embedded(body, key));
      const pagination = body.pagination as { page: number; total_pages: number } | undefined;
      if (pagination === undefined || pagination.page >= pagination.total_pages) return items;
    }
  }

  const tokens = (items: Json[], field = "token"): string[] => items.map((i) => i[field] as string);

  add("workspaces", [(await get(`/${ws}`)).token as string]);
  const spaces = await list(`/${ws}/spaces?filter=all`, "spaces", 30);
  add("spaces", tokens(spaces));
  for (const space of spaces) {
    const s = space.token as string;
    add("space_memberships", tokens(embedded(await get(`/${ws}/spaces/${s}/memberships`), "space_memberships")));
    const reports = await list(`/${ws}/spaces/${s}/reports`, "reports");
    add("reports", tokens(reports));
    for (const report of reports) {
      const r = report.token as string;
      const queries = embedded(await get(`/${ws}/reports/${r}/queries`), "queries");
      add("queries", tokens(queries));
      for (const q of queries)
        add("charts", tokens(embedded(await get(`/${ws}/reports/${r}/queries/${q.token as string}/charts`), "charts")));
      add("report_filters", tokens(embedded(await get(`/${ws}/reports/${r}/filters`), "report_filters")));
      add("report_schedules", tokens(await list(`/${ws}/reports/${r}/schedules`, "report_schedules", 100)));
      add(
        "report_subscriptions",
        tokens(embedded(await get(`/${ws}/reports/${r}/subscriptions`), "report_subscriptions")),
      );
      const runs = await list(`/${ws}/reports/${r}/runs`, "report_runs", 100);
      add("runs", tokens(runs));
      for (const run of runs)
        add(
          "query_runs",
          tokens(embedded(await get(`/${ws}/reports/${r}/runs/${run.token as string}/query_runs`), "query_runs")),
        );
    }
    const datasets = await list(`/${ws}/spaces/${s}/datasets`, "reports");
    add("datasets", tokens(datasets));
    for (const dataset of datasets) {
      const d = dataset.token as string;
      add("dataset_queries", tokens(await list(`/${ws}/reports/${d}/queries`, "queries")));
      add("dataset_runs", tokens(await list(`/${ws}/datasets/${d}/runs`, "report_runs", 100)));
      add("dataset_schedules", tokens(await list(`/${ws}/datasets/${d}/schedules`, "report_schedules", 100)));
    }
  }
  add("data_sources", tokens(embedded(await get(`/${ws}/data_sources`), "data_sources")));
  add("definitions", tokens(embedded(await get(`/${ws}/definitions`), "definitions")));
  add("memberships", tokens(embedded(await get(`/${ws}/memberships`), "memberships"), "member_token"));
  const groups = await list(`/${ws}/groups`, "groups");
  add("groups", tokens(groups));
  for (const g of groups)
    add(
      "group_memberships",
      tokens(embedded(await get(`/${ws}/groups/${g.token as string}/memberships`), "group_memberships")),
    );
  let cursor: string | null = null;
  do {
    const window = "start_timestamp=2000-01-01T00:00:00Z&end_timestamp=2100-01-01T00:00:00Z";
    const body = await get(
      `/${ws}/audit_logs?${window}${cursor === null ? "" : `&next_token=${encodeURIComponent(cursor)}`}`,
    );
    add("audit_logs", tokens(embedded(body, "audit_logs"), "id"));
    cursor = body.next_token as string | null;
  } while (cursor !== null);
  for (const stream of Object.keys(keys)) keys[stream]?.sort();
  return { keys, requests };
}
