import type { Dispatcher } from "undici";
import type { ResponseHeaders } from "./retry-policy.js";

/** A response read whole into memory. */
export interface CollectedResponse {
  readonly statusCode: number;
  readonly headers: ResponseHeaders;
  /** The body as received on the wire (not yet decoded). */
  readonly body: Buffer;
}

/**
 * Sends one request through undici's dispatch API and gathers the body into one buffer.
 *
 * The JSON pages of a sync are small and wanted whole, so the Readable stream, async iterator and chunk copies behind
 * `dispatcher.request()` are pure overhead there: about 10% of the tap's CPU in an unthrottled sync (profiled with
 * `npm run bench`, which is CPU-bound per request). Streams stay in use for result downloads (ModeClient.getStream).
 * Errors are undici's own (UND_ERR_SOCKET, UND_ERR_HEADERS_TIMEOUT, ECONNRESET, ...) so the retry policy classifies
 * them as before; an abort rejects with the signal's reason.
 */
export function collect(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  signal: AbortSignal | undefined,
  onBytes: (n: number) => void,
): Promise<CollectedResponse> {
  return new Promise<CollectedResponse>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let statusCode = 0;
    let headers: ResponseHeaders = {};
    const chunks: Buffer[] = [];
    let size = 0;

    const onAbort = (): void => {
      const reason = signal?.reason as Error;
      controller?.abort(reason);
      settle(() => reject(reason));
    };
    const settle = (done: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      done();
    };
    signal?.addEventListener("abort", onAbort, { once: true });

    dispatcher.dispatch(options, {
      onRequestStart(c) {
        controller = c;
        if (settled) c.abort(signal?.reason as Error);
      },
      onResponseStart(_c, status, responseHeaders) {
        statusCode = status;
        headers = responseHeaders as ResponseHeaders;
      },
      onResponseData(_c, chunk) {
        chunks.push(chunk);
        size += chunk.length;
        onBytes(chunk.length);
      },
      onResponseEnd() {
        const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
        settle(() => resolve({ statusCode, headers, body }));
      },
      onResponseError(_c, error) {
        settle(() => reject(error));
      },
    });
  });
}
