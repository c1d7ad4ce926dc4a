import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { LineWriter } from "../../src/singer/line-writer.js";
import { activateVersionMessage, recordMessage } from "../../src/singer/messages.js";
import { SingerOutput } from "../../src/singer/output.js";
import { checkSingerOutput } from "../support/singer-check.js";

function capture(): { output: SingerOutput; writer: LineWriter; text: () => string } {
  const out = new PassThrough();
  let text = "";
  out.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  const writer = new LineWriter(out);
  return { output: new SingerOutput(writer), writer, text: () => text };
}

const VERSION = 1_782_864_000;

describe("Singer wire format of versioned reads", () => {
  it("writes ACTIVATE_VERSION with the keys type, stream, version in singer-python's order", async () => {
    const { output, text } = capture();
    await output.activateVersion("memberships", VERSION);
    await output.flush();
    expect(text()).toBe(`{"type":"ACTIVATE_VERSION","stream":"memberships","version":${VERSION}}\n`);
  });

  it(
    "puts version between record and time_extracted on a versioned RECORD, " + "as singer-python's asdict does",
    async () => {
      const { output, text } = capture();
      await output.record("groups", { token: "0123456789ab", name: "Ops" }, "2026-07-01T00:00:00.000Z", VERSION);
      await output.flush();
      expect(text()).toBe(
        `{"type":"RECORD","stream":"groups","record":{"token":"0123456789ab","name":"Ops"},"version":${VERSION},` +
          `"time_extracted":"2026-07-01T00:00:00.000Z"}\n`,
      );
    },
  );

  it(
    "leaves version out of a RECORD of an unversioned " + "read (the wire format of today's streams is unchanged)",
    async () => {
      const { output, text } = capture();
      await output.record("reports", { token: "0123456789ab" }, "2026-07-01T00:00:00.000Z");
      await output.flush();
      expect(text()).toBe(
        '{"type":"RECORD","stream":"reports","record":{"token":"0123456789ab"},' +
          '"time_extracted":"2026-07-01T00:00:00.000Z"}\n',
      );
      expect(Object.keys(recordMessage("s", {}, undefined, 7))).toEqual(["type", "stream", "record", "version"]);
      expect(Object.keys(activateVersionMessage("s", 7))).toEqual(["type", "stream", "version"]);
    },
  );

  it(
    "produces a stream the project's Singer checker accepts: " + "SCHEMA, versioned RECORDs, ACTIVATE_VERSION, STATE",
    async () => {
      const { output, text } = capture();
      await output.schema("groups", { type: "object", properties: { token: { type: "string" } } }, ["token"]);
      await output.record("groups", { token: "aaaaaaaaaaaa" }, "2026-07-01T00:00:00.000Z", VERSION);
      await output.record("groups", { token: "bbbbbbbbbbbb" }, "2026-07-01T00:00:00.000Z", VERSION);
      await output.activateVersion("groups", VERSION);
      await output.state({ bookmarks: {} });
      await output.flush();
      const parsed = checkSingerOutput(text());
      expect(parsed.messages.map((m) => m.type)).toEqual(["SCHEMA", "RECORD", "RECORD", "ACTIVATE_VERSION", "STATE"]);
      expect(parsed.records.get("groups")?.map((r) => r.token)).toEqual(["aaaaaaaaaaaa", "bbbbbbbbbbbb"]);
    },
  );
});
