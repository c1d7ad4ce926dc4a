import type { JsonObject } from "../../json.js";
import { form, links, selectInput, textInput } from "../hal.js";
import { hash32 } from "../random.js";
import type { SpaceState } from "../state.js";
import { spaceName } from "../text.js";
import { TokenKind } from "../tokens.js";
import { idValue, IdBase, type World } from "../world.js";
import { apiPath, memberOf, spacePath, userPath } from "./context.js";

/** Collections ("spaces" in the API, docs/mode-api.md §3.2): no timestamps at all. */

export function spaceDisplayName(world: World, space: SpaceState): string | null {
  if (space.kind === "personal") return "Personal";
  // One empty collection has no name: `name` can be null (Discovery API example, docs/mode-api.md §3.2).
  if (space.kind === "empty" && space.ordinal === world.state.spaces.length - 1) return null;
  return spaceName(world.seed, space.ordinal);
}

function spaceForms(world: World, space: SpaceState): JsonObject {
  const create = form("post", apiPath(world, "collections"), {
    space: {
      space_type: selectInput(["private", "community", "custom"], "custom"),
      name: textInput(),
      description: textInput(),
      default_access_level: selectInput(["view", "edit", "none"], "none"),
    },
  });
  const access = space.kind === "personal" ? "view" : accessLevel(world, space);
  const editInput: JsonObject = space.kind === "personal" ? {} : { name: textInput(), description: textInput() };
  editInput.default_access_level = selectInput(["view", "edit", "restricted"], access);
  const forms: JsonObject = { create, edit: form("patch", spacePath(world, space.token), { space: editInput }) };
  if (space.kind !== "personal") forms.destroy = form("delete", spacePath(world, space.token));
  return forms;
}

function accessLevel(world: World, space: SpaceState): string {
  return ["edit", "view", "edit", "none"][hash32(world.seed, space.ordinal, 52) % 4] as string;
}

/** A `Space` as listed and as fetched singly (DataHub `spaces.json` key set). */
export function spaceBody(world: World, space: SpaceState): JsonObject {
  const personal = space.kind === "personal";
  const h = hash32(world.seed, space.ordinal, 53);
  const body: JsonObject = {
    token: space.token,
    id: idValue(world, IdBase.space + space.ordinal),
    space_type: personal ? "private" : "custom",
    name: spaceDisplayName(world, space),
    description: personal || h % 3 !== 0 ? null : `Reports of the ${spaceName(world.seed, space.ordinal)} team`,
    state: "active",
    restricted: !personal && h % 5 === 1,
    free_default: !personal,
    "viewable?": true,
  };
  if (!personal) body["viewed?"] = h % 2 === 0;
  body.default_access_level = personal ? "view" : accessLevel(world, space);
  body._links = links({
    self: spacePath(world, space.token),
    detail: spacePath(world, space.token, "detail"),
    space_report_pins: personal ? null : spacePath(world, space.token, "report_pins"),
    web: `/${world.workspace}/spaces/${space.token}`,
    reports: spacePath(world, space.token, "reports"),
    creator: userPath(memberOf(world, space.creator)),
    space_memberships: personal ? null : spacePath(world, space.token, "memberships"),
    preview_space_memberships: personal ? null : spacePath(world, space.token, "memberships", "preview"),
    search_space_permissions: spacePath(world, space.token, "permissions", "search"),
  });
  body._forms = spaceForms(world, space);
  return body;
}

/** Members of a collection: the owner of a personal one, up to three members of a shared one. */
export function spaceMemberIndexes(world: World, space: SpaceState): number[] {
  if (space.kind === "personal") return [space.creator];
  const count = Math.min(3, world.size.members);
  return Array.from({ length: count }, (_, i) => (space.creator + i) % world.size.members);
}

export function spaceMembershipToken(world: World, space: SpaceState, position: number): string {
  return world.tokens.make(TokenKind.spaceMembership, space.ordinal * 65_536 + position);
}

/** `GET /{ws}/spaces/{space}/memberships` items (swagger `SpaceMembership`). */
export function spaceMembershipBody(
  world: World,
  space: SpaceState,
  position: number,
  memberIndex: number,
): JsonObject {
  const member = memberOf(world, memberIndex);
  const token = spaceMembershipToken(world, space, position);
  return {
    token,
    member_token: member?.token ?? null,
    member_type: "User",
    member_id: idValue(world, IdBase.user + memberIndex),
    email: member === undefined ? null : `${member.username}@example.com`,
    _links: links({
      self: spacePath(world, space.token, "memberships", token),
      member: userPath(member),
      creator: userPath(memberOf(world, space.creator)),
    }),
  };
}
