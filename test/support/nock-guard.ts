import nock from "nock";
import { afterAll, afterEach, beforeAll, expect } from "vitest";

/**
 * Makes every unmatched request fail the test. nock 15 answers a request no interceptor matches with a 501, which a
 * retry loop would swallow; so network access is disabled, "no match" events are recorded, and after each test both
 * the unmatched requests and the mocks left unused must be empty. `cleanup` closes the test's clients first.
 */
export function guardNock(cleanup: () => Promise<unknown>): void {
  const unmatched: string[] = [];
  const onNoMatch = (request: { method?: string; url?: string; path?: string }): void => {
    unmatched.push(`${request.method ?? "?"} ${request.url ?? request.path ?? "?"}`);
  };
  beforeAll(() => {
    nock.disableNetConnect();
    nock.emitter.on("no match", onNoMatch);
  });
  afterEach(async () => {
    const leftover = nock.pendingMocks();
    nock.cleanAll();
    await cleanup();
    expect(unmatched.splice(0)).toEqual([]);
    expect(leftover).toEqual([]);
  });
  afterAll(() => {
    nock.emitter.removeListener("no match", onNoMatch);
    nock.enableNetConnect();
  });
}
