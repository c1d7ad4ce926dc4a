import { lastPathSegment, linkHref } from "./tokens.js";
import { READ_WITH_PARENT } from "./read-with-parent.js";
import type { StreamDefinition } from "./types.js";

function tokenFromLink(raw: Readonly<Record<string, unknown>>, rel: string): string | undefined {
  const href = linkHref(raw, rel);
  return href === undefined ? undefined : lastPathSegment(href);
}

/**
 * Subscriptions of each report (docs/mode-api.md §3.12). Mode's documented subscription object has no `token` field:
 * the token is only the last segment of `_links.self.href` (Airbyte's tested schema has none either), so the
 * transform fills it from there, and `report_schedule_token` from `_links.report_schedule.href`, before the HAL links
 * are dropped.
 */
export const reportSubscriptionsStream: StreamDefinition = {
  ...READ_WITH_PARENT,
  name: "report_subscriptions",
  path: "/{workspace}/reports/{report}/subscriptions",
  embeddedKey: "report_subscriptions",
  paged: false,
  parent: "reports",
  contextFields: { report_token: "report" },
  description:
    "Delivery subscriptions of each report (email/Slack settings); incremental: re-read only for changed reports.",
  transform: (raw) => {
    const derived: Record<string, unknown> = {};
    if (raw.token === undefined || raw.token === null) {
      const token = tokenFromLink(raw, "self");
      if (token !== undefined) derived.token = token;
    }
    if (raw.report_schedule_token === undefined) {
      const token = tokenFromLink(raw, "report_schedule");
      if (token !== undefined) derived.report_schedule_token = token;
    }
    return { ...derived, ...raw, ...derived };
  },
};
