import { PassThrough, Transform, pipeline, type Readable } from "node:stream";
import { promisify } from "node:util";
import * as zlib from "node:zlib";

/** Raised for a `Content-Encoding` the client cannot decode. */
export class UnsupportedEncodingError extends Error {}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const brotli = promisify(zlib.brotliDecompress);

/**
 * Content codings to undo, last applied first (RFC 9110 §8.4). Mode sends result downloads
 * gzip-encoded (docs/mode-api.md §1.3, §5), so every request asks for gzip and decodes by header.
 */
function codings(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity")
    .reverse();
}

/** Reads a whole body, reporting wire bytes as they arrive. */
export async function readAll(body: Readable, onBytes: (n: number) => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    onBytes(buffer.length);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Undoes the body's content codings. A truncated gzip stream rejects (zlib `Z_BUF_ERROR`). */
export async function decodeBuffer(raw: Buffer, contentEncoding: string | undefined): Promise<Buffer> {
  let data = raw;
  for (const coding of codings(contentEncoding)) {
    if (coding === "gzip" || coding === "x-gzip") data = await gunzip(data);
    else if (coding === "deflate") data = await inflate(data);
    else if (coding === "br") data = await brotli(data);
    else throw new UnsupportedEncodingError(`unsupported Content-Encoding "${coding}"`);
  }
  return data;
}

/** Throws UnsupportedEncodingError before any byte is read when a coding is unknown. */
export function assertDecodable(contentEncoding: string | undefined): void {
  for (const coding of codings(contentEncoding)) {
    if (!["gzip", "x-gzip", "deflate", "br"].includes(coding))
      throw new UnsupportedEncodingError(`unsupported Content-Encoding "${coding}"`);
  }
}

/** The decoded body as a stream; an error anywhere (socket, zlib) destroys the returned stream with it. */
export function decodedStream(
  raw: Readable,
  contentEncoding: string | undefined,
  onBytes: (n: number) => void,
): Readable {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      onBytes(chunk.length);
      callback(null, chunk);
    },
  });
  const stages: NodeJS.ReadWriteStream[] = [counter];
  for (const coding of codings(contentEncoding)) {
    if (coding === "gzip" || coding === "x-gzip") stages.push(zlib.createGunzip());
    else if (coding === "deflate") stages.push(zlib.createInflate());
    else stages.push(zlib.createBrotliDecompress());
  }
  const out = new PassThrough();
  pipeline([raw, ...stages, out], (error) => {
    if (error) out.destroy(error);
  });
  return out;
}
