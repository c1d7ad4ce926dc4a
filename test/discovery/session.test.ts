import { afterEach, describe, expect, it } from "vitest";
import { DiscoveryUnavailableError } from "../../src/discovery/session.js";
import { bearerValue } from "../../src/discovery/signature-token.js";
import { createRecordProcessor } from "../../src/records/processor.js";
import { loadSchemaRegistry } from "../../src/schemas.js";
import { computeDiscoveryTruth } from "../../src/simulator/truth.js";
import { findStream } from "../../src/streams/registry.js";
import type { StreamDefinition } from "../../src/streams/types.js";
import { manualClock } from "../simulator/helpers.js";
import { DISCOVERY_STREAMS, discoveryRig, keyOf, readAll, type Rig } from "./support.js";

const rigs: Rig[] = [];
async function rig(...args: Parameters<typeof discoveryRig>): Promise<Rig> {
  const r = await discoveryRig(...args);
  rigs.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(rigs.splice(0).map((r) => r.stop()));
});

function stream(name: string): StreamDefinition {
  const d = findStream(name);
  if (d === undefined) throw new Error(name);
  return d;
}

const byRoute = (r: Rig, route: string): number => r.sim.model.stats().byRoute[route] ?? 0;

// 4 custom + 1 personal spaces × 300 reports: 1,500 reports, 2,880 queries, 2,880 charts: lists of 2 and 3 pages.
const SIZE = {
  spaces: 4,
  personalSpaces: 1,
  emptySpaces: 1,
  reportsPerSpace: 300,
  queriesPerReport: 2,
  chartsPerQuery: 1,
  runsPerReport: 1,
};

describe("DiscoverySession against the simulator", () => {
  it(
    "reads all six streams to the end, equal to the " + "simulator's truth, with one token created and deleted",
    async () => {
      const r = await rig({ size: SIZE });
      const truth = computeDiscoveryTruth(r.sim.model.world);
      const schemas = loadSchemaRegistry();
      const processor = createRecordProcessor({ schemas, logger: r.logger, definitions: DISCOVERY_STREAMS });
      for (const definition of DISCOVERY_STREAMS) {
        const items = await readAll(r.session, definition);
        const keys = items.map((item) => keyOf(definition, item)).sort();
        expect(keys, definition.name).toEqual(truth[definition.name]);
        expect(new Set(keys).size, definition.name).toBe(keys.length);
        for (const item of items.slice(0, 50))
          expect(processor.process(definition, item, { workspace: r.sim.workspace }), definition.name).not.toBeNull();
      }
      expect(truth.discovery_reports?.length).toBe(1500);
      expect(truth.discovery_charts?.length).toBeGreaterThan(2000);
      // One GET per page, none past the last page (whose next_page points at itself).
      expect(byRoute(r, "GET /batch/{ws}/reports")).toBe(2);
      expect(byRoute(r, "GET /batch/{ws}/charts")).toBe(Math.ceil((truth.discovery_charts?.length ?? 0) / 1000));
      expect(byRoute(r, "GET /batch/{ws}/spaces")).toBe(1);
      expect(byRoute(r, "POST /batch/{ws}/signature_tokens")).toBe(1);
      expect(r.sim.discovery.liveSignatureTokens()).toHaveLength(1);
      expect(r.sim.discovery.signatureTokens()[0]?.name).toBe("tap-mode 2026-12-02T14:00:00.000Z");
      await r.session.close();
      await r.session.close();
      expect(byRoute(r, "DELETE /batch/{ws}/signature_tokens/{signature_token}")).toBe(1);
      expect(r.sim.discovery.liveSignatureTokens()).toHaveLength(0);
      expect(r.warnings()).toEqual([]);
      expect(r.lines.join("\n")).toContain(`deleted signature token ${r.session.tokenId?.token}`);
    },
  );

  it("leaves personal-space content out when include_personal_spaces is false", async () => {
    const r = await rig({ size: SIZE }, { includePersonalSpaces: false });
    const reports = await readAll(r.session, stream("discovery_reports"));
    expect(reports).toHaveLength(1200);
  });

  it("deletes the token after a failure mid-walk, and creates none when nothing is read", async () => {
    const r = await rig({ size: SIZE });
    const walk = (async () => {
      for await (const page of r.session.pages(stream("discovery_charts"))) {
        expect(page.items.length).toBe(1000);
        throw new Error("a fatal error in the sync");
      }
    })();
    await expect(walk).rejects.toThrow("a fatal error in the sync");
    expect(r.sim.discovery.liveSignatureTokens()).toHaveLength(1);
    await r.session.close();
    expect(r.sim.discovery.liveSignatureTokens()).toHaveLength(0);
    expect(r.sim.discovery.signatureTokens()).toHaveLength(1);

    const idle = await rig();
    await idle.session.close();
    expect(idle.sim.model.stats().requests).toBe(0);
  });

  it("creates one new token when the first stops being accepted mid-walk (expired), and deletes both", async () => {
    const clock = manualClock(Date.UTC(2026, 11, 2, 14));
    const r = await rig({ size: SIZE, clock }, { clock });
    const keys: string[] = [];
    for await (const page of r.session.pages(stream("discovery_reports"))) {
      keys.push(...page.items.map((i) => String(i.token)));
      clock.advance(5 * 3_600_000);
    }
    expect(keys.sort()).toEqual(computeDiscoveryTruth(r.sim.model.world).discovery_reports);
    expect(r.sim.discovery.signatureTokens()).toHaveLength(2);
    expect(r.lines.join("\n")).toMatch(
      /is no longer accepted \(HTTP 401 on \/batch\/\{workspace\}\/reports\); creating another/,
    );
    // A second expiry is not renewed again: that list is skipped with a warning.
    clock.advance(5 * 3_600_000);
    const error = await readAll(r.session, stream("discovery_spaces")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscoveryUnavailableError);
    expect((error as DiscoveryUnavailableError).scope).toBe("stream");
    expect(r.warnings()).toEqual([expect.stringContaining("stream discovery_spaces is skipped")]);
    await r.session.close();
    expect(r.sim.discovery.signatureTokens().every((t) => t.deleted)).toBe(true);
  });

  it("asks per_page=999 once when Mode answers 400 to 1000, and says so", async () => {
    const r = await rig({ size: SIZE, discovery: { maxPerPage: 999 } });
    const items = await readAll(r.session, stream("discovery_reports"));
    expect(items.map((i) => keyOf(stream("discovery_reports"), i)).sort()).toEqual(
      computeDiscoveryTruth(r.sim.model.world).discovery_reports,
    );
    expect(r.sim.model.stats().byStatus["400"]).toBe(1);
    expect(byRoute(r, "GET /batch/{ws}/reports")).toBe(1 + 2);
    expect(r.lines.some((l) => l.includes("per_page=1000 answered HTTP 400; asking again with per_page=999"))).toBe(
      true,
    );
    // A second list asks 1000 again (each list decides for itself) and falls back the same way.
    await readAll(r.session, stream("discovery_spaces"));
    expect(r.sim.model.stats().byStatus["400"]).toBe(2);
  });

  it("reads the members and view counts under the docs' names too", async () => {
    const r = await rig({ discovery: { membersKey: "members", viewCountKey: "total_views_count" } });
    const members = await readAll(r.session, stream("discovery_members"));
    expect(members.map((m) => m.token).sort()).toEqual(computeDiscoveryTruth(r.sim.model.world).discovery_members);
    const stats = await readAll(r.session, stream("discovery_report_stats"));
    expect(stats[0]).toHaveProperty("total_views_count");
    const processor = createRecordProcessor({
      schemas: loadSchemaRegistry(),
      logger: r.logger,
      definitions: DISCOVERY_STREAMS,
    });
    const record = processor.process(stream("discovery_report_stats"), stats[0] ?? {}, { workspace: "acme" });
    expect(record?.view_count).toBe(stats[0]?.total_views_count);
  });

  it.each([
    ["not an Enterprise workspace", { discovery: { enabled: false } }, 403],
    ["not an admin's key", { admin: false }, 403],
  ])("skips the Discovery streams with one warning when it is %s", async (_label, options, status) => {
    const r = await rig(options);
    expect(await r.session.availability()).toEqual({
      available: false,
      status,
      endpoint: "POST /batch/{workspace}/signature_tokens",
    });
    for (const definition of DISCOVERY_STREAMS) {
      const error = await readAll(r.session, definition).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DiscoveryUnavailableError);
      expect((error as DiscoveryUnavailableError).scope).toBe("api");
    }
    expect(r.warnings()).toHaveLength(1);
    expect(r.warnings()[0]).toMatch(/Discovery API unavailable.*HTTP 403.*Enterprise workspace.*admin's API token/);
    expect(byRoute(r, "POST /batch/{ws}/signature_tokens")).toBe(1);
    await r.session.close();
    expect(r.sim.model.stats().requests).toBe(1);
  });

  it("never logs or throws the token's secrets or the Bearer value", async () => {
    const r = await rig({ size: SIZE });
    await readAll(r.session, stream("discovery_spaces"));
    const record = r.sim.discovery.signatureTokens()[0];
    if (record === undefined) throw new Error("no token");
    const bearer = bearerValue(record.token, record.accessKey, record.accessSecret);
    // A server echoing the credential in its error text: the error carries none of it.
    const echoed = await r.client
      .getJson({
        path: `${new URL(r.sim.baseUrl).origin}/batch/nope/spaces`,
        template: "/batch/{workspace}/spaces",
        credential: { authorization: bearer, secrets: [bearer.slice(7), record.accessKey, record.accessSecret] },
      })
      .catch((e: unknown) => e as Error);
    await r.session.close();
    const text = [...r.lines, String(echoed), JSON.stringify(echoed)].join("\n");
    for (const secret of [bearer, bearer.slice(7), record.accessKey, record.accessSecret])
      expect(text).not.toContain(secret);
    expect(text).toContain(record.token);
  });
});
