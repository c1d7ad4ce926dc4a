import type { JsonObject } from "../../json.js";
import { between, hash32, hexDigits, pick } from "../random.js";
import { AUDIT_START, HISTORY_END, isoMicros } from "../time.js";
import { TokenKind } from "../tokens.js";
import type { World } from "../world.js";

/**
 * Audit logs (docs/mode-api.md §3.15): `GET /{ws}/audit_logs?start_timestamp&end_timestamp`, items under
 * `_embedded.audit_logs`, a top-level `next_token` cursor ([SECONDARY]), `timestamp` in microseconds.
 */

/** Entries per response (not documented; the simulator's choice). */
export const AUDIT_LOG_PAGE_SIZE = 100;

const ACTIONS = [
  { action: "report_viewed", description: "report viewed", entity_type: "report" },
  { action: "report_created", description: "report created", entity_type: "report" },
  { action: "member_added", description: "member added to workspace", entity_type: "workspace_membership" },
  {
    action: "connection_group_added_with_role",
    description: "group added to connection",
    entity_type: "workspace_connection",
  },
  { action: "collection_permission_changed", description: "collection permission changed", entity_type: "collection" },
  { action: "api_key_created", description: "API key created", entity_type: "api_key" },
] as const;

/** Timestamp (ms) of entry `i`; increasing with `i`, inside [AUDIT_START, HISTORY_END). */
export function auditLogTime(world: World, i: number): number {
  const step = (HISTORY_END - AUDIT_START) / Math.max(1, world.size.auditLogs);
  return Math.floor(AUDIT_START + step * (i + 0.5 * ((hash32(world.seed, i, 181) % 1000) / 1000)));
}

export function auditLogId(world: World, i: number): string {
  const tail = world.tokens.make(TokenKind.misc, 2 ** 40 + i);
  const variant = "89ab"[hash32(world.seed, i, 182) % 4] as string;
  return (
    `${hexDigits(8, world.seed, i, 183)}-${hexDigits(4, world.seed, i, 184)}-4` +
    `${hexDigits(3, world.seed, i, 185)}-${variant}${hexDigits(3, world.seed, i, 186)}-${tail}`
  );
}

export function auditLogBody(world: World, i: number): JsonObject {
  const kind = pick(ACTIONS, world.seed, i, 187);
  const member = world.state.members[hash32(world.seed, i, 188) % world.state.members.length];
  return {
    id: auditLogId(world, i),
    action: kind.action,
    description: kind.description,
    context: {
      correlation_id:
        `${hexDigits(8, world.seed, i, 189)}-${hexDigits(4, world.seed, i, 190)}-4` +
        `${hexDigits(3, world.seed, i, 191)}-a${hexDigits(3, world.seed, i, 192)}-` +
        `${hexDigits(12, world.seed, i, 193)}`,
    },
    actor: {
      ip:
        `10.${between(0, 255, world.seed, i, 194)}.${between(0, 255, world.seed, i, 195)}.` +
        `${between(1, 254, world.seed, i, 196)}`,
      user_agent:
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) " +
        "Chrome/133.0.0.0 Safari/537.36",
      user_id: member?.token ?? null,
      username: member?.username ?? null,
    },
    entity: {
      entity_name: `${kind.entity_type} ${i}`,
      entity_type: kind.entity_type,
      entity_id: hexDigits(12, world.seed, i, 197),
    },
    timestamp: isoMicros(auditLogTime(world, i), hash32(world.seed, i, 198)),
    workspace_username: world.workspace,
  };
}

/** First entry index with time >= `ms` (entries are in time order). */
export function firstAuditLogAtOrAfter(world: World, ms: number): number {
  let lo = 0;
  let hi = world.size.auditLogs;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (auditLogTime(world, mid) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Opaque cursor: the next offset, bound to the window it was issued for. */
export function encodeCursor(offset: number, start: number, end: number): string {
  return Buffer.from(`${offset}|${start}|${end}`, "utf8").toString("base64url");
}

export function decodeCursor(token: string, start: number, end: number): number | undefined {
  const [offset, s, e] = Buffer.from(token, "base64url").toString("utf8").split("|");
  if (offset === undefined || s !== String(start) || e !== String(end) || !/^\d+$/.test(offset)) return undefined;
  return Number.parseInt(offset, 10);
}
