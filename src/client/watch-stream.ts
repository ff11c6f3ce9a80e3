/**
 * Turns the byte stream of a Kubernetes watch response (one JSON event per line) into typed events.
 *
 * Transport-agnostic (any AsyncIterable of byte chunks) so it can be fuzzed with synthetic input. Lines are
 * framed on raw bytes and decoded only when complete, so a multibyte UTF-8 character split across chunks and
 * events of many megabytes are handled without re-scanning. Every failure is a typed error: ERROR events become
 * ApiErrors (410 as TSOP_WATCH_EXPIRED), garbage becomes TSOP_WATCH_PROTOCOL, silence becomes
 * TSOP_WATCH_INACTIVE. Nothing is dropped silently.
 */
import { ApiError, TsOperatorError, type ApiStatus } from "../core/errors.js";
import type { KubeObject } from "../core/types.js";
import { abortedError } from "./rate-limiter.js";
import type { WatchEvent } from "./resource-api.js";

export const DEFAULT_INACTIVITY_TIMEOUT_MS = 5 * 60_000;
/** Larger than any object etcd accepts by default (1.5 MiB) by a wide margin; beyond it we stop buffering. */
export const DEFAULT_MAX_EVENT_BYTES = 128 * 1024 * 1024;

/** The server said the requested resourceVersion is too old (410 Gone): relist, then watch again. */
export class WatchExpiredError extends ApiError {
  constructor(method: string, path: string, status: ApiStatus) {
    super(method, path, 410, status, "TSOP_WATCH_EXPIRED");
  }
}

export interface WatchStreamOptions {
  /** Fail with TSOP_WATCH_INACTIVE when no byte arrives for this long while waiting. 0 disables. */
  inactivityTimeoutMs?: number | undefined;
  maxEventBytes?: number | undefined;
  /** Aborting ends the iteration with TSOP_ABORTED. */
  signal?: AbortSignal | undefined;
  /** For error messages: the watched path. */
  path?: string | undefined;
}

const EVENT_TYPES = new Set(["ADDED", "MODIFIED", "DELETED", "BOOKMARK"]);

/**
 * Parses a watch response body. Ends when the source ends; leaving the loop early returns (and so closes)
 * the source.
 */
export async function* parseWatchStream<T extends KubeObject = KubeObject>(
  source: AsyncIterable<Uint8Array>,
  options: WatchStreamOptions = {},
): AsyncGenerator<WatchEvent<T>, void, undefined> {
  const path = options.path ?? "watch";
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const inactivityMs = options.inactivityTimeoutMs ?? DEFAULT_INACTIVITY_TIMEOUT_MS;
  const signal = options.signal;
  if (signal?.aborted) throw abortedError(signal);

  const it = source[Symbol.asyncIterator]();
  let finished = false;

  // Reads are wrapped so that a stop for reasons outside the stream (silence, abort) rejects the pending read:
  // a source that never yields again cannot hang the consumer. (A fresh promise per read rather than racing one
  // long-lived promise, whose reactions would pile up for the life of the watch.)
  let stopError: Error | undefined;
  let rejectRead: ((err: Error) => void) | undefined;
  const stop = (err: Error) => {
    stopError ??= err;
    rejectRead?.(err);
  };
  const read = (): Promise<IteratorResult<Uint8Array>> =>
    stopError
      ? Promise.reject(stopError)
      : new Promise((resolve, reject) => {
          rejectRead = reject;
          it.next().then(resolve, reject);
        });
  const onAbort = () => stop(abortedError(signal));
  signal?.addEventListener("abort", onAbort, { once: true });

  // Inactivity counts only time spent waiting for the server, not time the consumer spends on an event.
  let waiting = false;
  let waitingSince = 0;
  let timer: NodeJS.Timeout | undefined;
  const onTimer = () => {
    const idle = waiting ? performance.now() - waitingSince : 0;
    if (idle >= inactivityMs) {
      stop(
        new TsOperatorError(
          "TSOP_WATCH_INACTIVE",
          `${path}: no data from the API server for ${inactivityMs} ms`,
        ),
      );
      return;
    }
    timer = setTimeout(onTimer, inactivityMs - idle);
  };
  if (inactivityMs > 0) {
    timer = setTimeout(onTimer, inactivityMs);
  }

  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineNo = 0;
  try {
    for (;;) {
      waiting = true;
      waitingSince = performance.now();
      const r = await read();
      waiting = false;
      rejectRead = undefined;
      if (r.done) break;
      const chunk = r.value;
      const buf = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0) break;
        let text: string;
        if (pendingBytes === 0) {
          text = buf.toString("utf8", start, nl);
        } else {
          pending.push(buf.subarray(start, nl));
          text = Buffer.concat(pending, pendingBytes + nl - start).toString("utf8");
          pending = [];
          pendingBytes = 0;
        }
        start = nl + 1;
        lineNo++;
        const event = parseLine<T>(text, path, lineNo);
        if (event) yield event;
      }
      if (start < buf.length) {
        pending.push(start === 0 ? buf : buf.subarray(start));
        pendingBytes += buf.length - start;
        if (pendingBytes > maxEventBytes) {
          throw new TsOperatorError(
            "TSOP_WATCH_PROTOCOL",
            `${path}: watch event exceeds ${maxEventBytes} bytes without a line break`,
          );
        }
      }
    }
    finished = true;
    if (pendingBytes > 0) {
      // The server ends every event with "\n"; a complete JSON object without it is still accepted, a torn one
      // is reported (parseLine throws).
      const text = Buffer.concat(pending, pendingBytes).toString("utf8");
      pending = [];
      pendingBytes = 0;
      const event = parseLine<T>(text, path, lineNo + 1, true);
      if (event) yield event;
    }
  } catch (err) {
    if (err instanceof TsOperatorError) throw err;
    if (signal?.aborted) throw abortedError(signal);
    throw new TsOperatorError("TSOP_CONNECTION_ERROR", `${path}: watch stream failed: ${describe(err)}`, {
      cause: err,
    });
  } finally {
    waiting = false;
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    // Not awaited: an async generator's return() queues behind a pending next() that may never settle.
    if (!finished) Promise.resolve(it.return?.()).catch(() => undefined);
  }
}

function parseLine<T extends KubeObject>(
  text: string,
  path: string,
  lineNo: number,
  atEnd = false,
): WatchEvent<T> | undefined {
  if (isBlank(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    // The line's content is not quoted: it may hold Secret data.
    const what = atEnd ? "stream ended inside an event" : "event is not valid JSON";
    throw new TsOperatorError(
      "TSOP_WATCH_PROTOCOL",
      `${path}: line ${lineNo}: ${what} (${text.length} chars)`,
      {
        cause,
      },
    );
  }
  if (!isRecord(parsed)) throw protocolError(path, lineNo, "event is not a JSON object");
  const type = parsed.type;
  const object = parsed.object;
  if (type === "ERROR") throw watchError(path, object);
  if (typeof type !== "string" || !EVENT_TYPES.has(type)) {
    throw protocolError(path, lineNo, `unknown event type ${JSON.stringify(type)?.slice(0, 40)}`);
  }
  if (!isRecord(object) || !isRecord(object.metadata)) {
    throw protocolError(path, lineNo, `${type} event without an object with metadata`);
  }
  return { type: type as WatchEvent["type"], object: object as T };
}

/** An ERROR event's Status as a typed error. */
export function watchError(path: string, object: unknown): ApiError {
  const status: ApiStatus = isRecord(object) ? object : { message: "ERROR event without Status" };
  const code = typeof status.code === "number" ? status.code : 500;
  if (code === 410 || status.reason === "Expired" || status.reason === "Gone") {
    return new WatchExpiredError("GET", path, status);
  }
  return new ApiError("GET", path, code, status);
}

function protocolError(path: string, lineNo: number, what: string): TsOperatorError {
  return new TsOperatorError("TSOP_WATCH_PROTOCOL", `${path}: line ${lineNo}: ${what}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
