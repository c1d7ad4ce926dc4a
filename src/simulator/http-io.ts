import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip, gzipSync } from "node:zlib";
import type { JsonValue } from "../json.js";
import type { FaultKind } from "./types.js";

/** Reading request bodies and writing responses, with the body-level faults (reset, truncate). */

const MAX_BODY = 1024 * 1024;

/** The request body parsed as JSON; undefined when empty, too large or not JSON. */
export async function readJsonBody(req: IncomingMessage): Promise<JsonValue | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as JsonValue;
  } catch {
    return undefined;
  }
}

/** Body faults a response may carry: a reset mid-body or a 200 cut short with valid framing. */
export type BodyFault = Extract<FaultKind, "reset" | "truncate"> | null;

/** Writes a complete body, or half of it followed by a reset / a clean end (`truncate`). */
export function writeBuffer(
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  body: Buffer,
  fault: BodyFault,
): void {
  if (fault === "truncate") {
    const cut = body.subarray(0, Math.floor(body.length / 2));
    res.writeHead(status, { ...headers, "Content-Length": cut.length });
    res.end(cut);
    return;
  }
  res.writeHead(status, { ...headers, "Content-Length": body.length });
  if (fault === "reset") {
    // Headers promise the full length; half arrives, then the connection dies (mid-body reset).
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
    return;
  }
  res.end(body);
}

/**
 * `writeBuffer` for a UTF-8 text body. Without a fault the string goes to the socket as is: Node
 * sends headers and body in one write and encodes straight into it, with no intermediate Buffer.
 */
export function writeText(
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  text: string,
  fault: BodyFault,
): void {
  if (fault !== null) {
    writeBuffer(res, status, headers, Buffer.from(text, "utf8"), fault);
    return;
  }
  res.writeHead(status, { ...headers, "Content-Length": Buffer.byteLength(text, "utf8") });
  res.end(text, "utf8");
}

function firstChunk(chunks: Iterable<string>): string {
  for (const chunk of chunks) return chunk;
  return "";
}

/**
 * Streams generated chunks with backpressure (a 1 GB result never sits in memory), gzip-encoded
 * when the client accepts it (docs/mode-api.md §1.3: results arrive gzip-encoded). Resolves to whether the
 * body was written completely.
 */
export async function writeStream(
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  chunks: Iterable<string>,
  gzip: boolean,
  fault: BodyFault,
): Promise<boolean> {
  res.writeHead(status, gzip ? { ...headers, "Content-Encoding": "gzip", Vary: "Accept-Encoding" } : headers);
  if (fault !== null) {
    const first = firstChunk(chunks);
    const half = Buffer.from(first.slice(0, Math.max(1, Math.floor(first.length / 2))), "utf8");
    if (fault === "truncate") {
      // A complete HTTP response whose content stops early.
      res.end(gzip ? gzipSync(half) : half);
    } else {
      const partial = gzip ? gzipSync(half).subarray(0, Math.max(1, Math.floor(half.length / 4))) : half;
      res.write(partial, () => res.socket?.destroy());
    }
    return false;
  }
  try {
    const source = Readable.from(chunks, { objectMode: false });
    if (gzip) await pipeline(source, createGzip(), res);
    else await pipeline(source, res);
    return true;
  } catch {
    // The client went away mid-stream; nothing left to do.
    return false;
  }
}

/** Whether `Accept-Encoding` allows gzip (and does not give it q=0). */
export function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers["accept-encoding"];
  const value = Array.isArray(header) ? header.join(",") : (header ?? "");
  return value.split(",").some((part) => {
    const [coding = "", ...params] = part.split(";").map((p) => p.trim().toLowerCase());
    if (coding !== "gzip" && coding !== "*") return false;
    const q = params.find((p) => p.startsWith("q="));
    return q === undefined || Number.parseFloat(q.slice(2)) > 0;
  });
}
