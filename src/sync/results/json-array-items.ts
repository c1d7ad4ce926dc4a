import { parseJsonLossless, type JsonValue } from "../../json.js";

/** The body is not the JSON array of rows Mode's `content.json` promises (docs/mode-api.md §5). */
export class MalformedResultError extends Error {
  override readonly name = "MalformedResultError";
}

/** The body ended before the array's closing bracket: the download was cut short and may be retried. */
export class TruncatedResultError extends Error {
  override readonly name = "TruncatedResultError";
}

export interface JsonArrayOptions {
  /** Largest accepted element in bytes; a bigger one is malformed (keeps memory bounded whatever the body holds). */
  readonly maxItemBytes?: number;
}

const DEFAULT_MAX_ITEM_BYTES = 64 * 1024 * 1024;
const LONG_DIGITS = /\d{16}/;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Where the scanner is in `[ item , item ]`. */
const enum At {
  BeforeArray,
  /** After `[`: an item or `]`. */
  FirstItem,
  /** After `,`: an item. */
  NextItem,
  InItem,
  /** After an item: `,` or `]`. */
  AfterItem,
  AfterArray,
}

/**
 * The items of a top-level JSON array, one at a time, while the body streams in (docs/mode-api.md §5: a query's
 * `content.json` is an array of row objects and may be hundreds of megabytes). Only the current item's bytes are held;
 * each is parsed with the lossless parser (integers beyond 2^53 kept exact, src/json.ts). The scanner works on bytes:
 * every structural character is ASCII and never occurs inside a multi-byte UTF-8 sequence, so chunk boundaries may fall
 * anywhere. A body with nothing but whitespace is an empty result; a body that ends before `]` throws
 * TruncatedResultError; anything else that is not an array throws MalformedResultError.
 */
export async function* jsonArrayItems(
  source: AsyncIterable<Buffer | string>,
  options: JsonArrayOptions = {},
): AsyncGenerator<JsonValue, void, undefined> {
  const maxItemBytes = options.maxItemBytes ?? DEFAULT_MAX_ITEM_BYTES;
  let at: At = At.BeforeArray;
  let sawAnyByte = false;
  let items = 0;
  // The current item: pieces of earlier chunks, then [itemStart, i) of the current one.
  let pieces: Buffer[] = [];
  let piecesBytes = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let firstChunk = true;

  const malformed = (what: string): MalformedResultError =>
    new MalformedResultError(`result is not a JSON array of rows: ${what} (after ${items} rows)`);
  const parse = (chunk: Buffer, start: number, end: number): JsonValue => {
    const tail = chunk.subarray(start, end);
    const bytes = pieces.length === 0 ? tail : Buffer.concat([...pieces, tail]);
    pieces = [];
    piecesBytes = 0;
    const text = bytes.toString("utf8");
    try {
      // Only an integer of 16 digits or more can exceed 2^53; without such a run the lossless parser's reviver (a
      // third of the time per row) cannot change anything, so plain JSON.parse gives the same value.
      return LONG_DIGITS.test(text) ? parseJsonLossless(text) : (JSON.parse(text) as JsonValue);
    } catch (error) {
      throw malformed(`row ${items + 1} is not valid JSON (${(error as Error).message.split("\n")[0]})`);
    }
  };

  for await (const raw of source) {
    let chunk = typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
    if (firstChunk && chunk.length > 0) {
      firstChunk = false;
      // A UTF-8 byte order mark is not JSON but some exporters write one.
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    let itemStart = at === At.InItem ? 0 : -1;
    const length = chunk.length;
    for (let i = 0; i < length; i++) {
      const byte = chunk[i] as number;
      switch (at) {
        case At.InItem: {
          if (inString) {
            if (escaped) escaped = false;
            else if (byte === BACKSLASH) escaped = true;
            else if (byte === QUOTE) {
              inString = false;
              if (depth === 0) {
                // A bare string item ends with its closing quote.
                yield parse(chunk, itemStart, i + 1);
                items++;
                at = At.AfterItem;
              }
            }
            break;
          }
          if (byte === QUOTE) inString = true;
          else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
          else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
            if (depth === 0) {
              if (byte === CLOSE_BRACE) throw malformed("unbalanced }");
              // `]` right after a scalar item closes the array.
              yield parse(chunk, itemStart, i);
              items++;
              at = At.AfterArray;
            } else if (--depth === 0) {
              yield parse(chunk, itemStart, i + 1);
              items++;
              at = At.AfterItem;
            }
          } else if (depth === 0 && (byte === COMMA || isSpace(byte))) {
            // The end of a scalar item (number, true, false, null).
            yield parse(chunk, itemStart, i);
            items++;
            at = byte === COMMA ? At.NextItem : At.AfterItem;
          }
          break;
        }
        case At.BeforeArray:
          if (isSpace(byte)) break;
          sawAnyByte = true;
          if (byte !== OPEN_BRACKET) throw malformed(`it starts with ${JSON.stringify(String.fromCharCode(byte))}`);
          at = At.FirstItem;
          break;
        case At.FirstItem:
        case At.NextItem:
          if (isSpace(byte)) break;
          if (byte === CLOSE_BRACKET && at === At.FirstItem) {
            at = At.AfterArray;
            break;
          }
          if (byte === COMMA || byte === CLOSE_BRACKET || byte === CLOSE_BRACE || byte === 0x3a)
            throw malformed(`unexpected ${JSON.stringify(String.fromCharCode(byte))}`);
          at = At.InItem;
          itemStart = i;
          depth = byte === OPEN_BRACE || byte === OPEN_BRACKET ? 1 : 0;
          inString = byte === QUOTE;
          escaped = false;
          break;
        case At.AfterItem:
          if (isSpace(byte)) break;
          if (byte === COMMA) at = At.NextItem;
          else if (byte === CLOSE_BRACKET) at = At.AfterArray;
          else throw malformed(`expected "," or "]" after row ${items}`);
          break;
        case At.AfterArray:
          if (!isSpace(byte)) throw malformed("data after the closing bracket");
          break;
      }
    }
    if (at === At.InItem) {
      const rest = chunk.subarray(itemStart);
      piecesBytes += rest.length;
      if (piecesBytes > maxItemBytes) throw malformed(`row ${items + 1} is larger than ${maxItemBytes} bytes`);
      // Copy: the source may reuse its buffer once we ask for the next chunk.
      pieces.push(Buffer.from(rest));
    }
  }
  // (A cast: the compiler does not follow the assignments made inside the switch above.)
  if ((at as At) === At.AfterArray || !sawAnyByte) return;
  throw new TruncatedResultError(`result ended before its closing bracket (after ${items} rows)`);
}
