/**
 * The watch stream parser, fed from synthetic byte chunks: framing across chunk boundaries, big events, UTF-8
 * split inside a character, ERROR events, malformed input, inactivity and cancellation.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError, hasCode, isGone } from "../../src/core/errors.js";
import { WatchExpiredError, parseWatchStream } from "../../src/client/watch-stream.js";
import type { WatchEvent } from "../../src/client/resource-api.js";

const enc = new TextEncoder();

function line(type: string, object: unknown): string {
  return JSON.stringify({ type, object }) + "\n";
}
function cm(name: string, data: Record<string, string> = {}) {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "ns" }, data };
}

async function* chunks(...parts: Array<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield typeof p === "string" ? enc.encode(p) : p;
}

/** Splits `bytes` into pieces of the given size. */
function split(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

async function collect(source: AsyncIterable<Uint8Array>, inactivityTimeoutMs = 0) {
  const events: WatchEvent[] = [];
  for await (const e of parseWatchStream(source, { inactivityTimeoutMs, path: "/api/v1/configmaps" }))
    events.push(e);
  return events;
}

async function collectError(source: AsyncIterable<Uint8Array>, inactivityTimeoutMs = 0) {
  const events: WatchEvent[] = [];
  try {
    for await (const e of parseWatchStream(source, { inactivityTimeoutMs })) events.push(e);
  } catch (err) {
    return { events, err };
  }
  assert.fail("expected the watch to fail");
}

describe("watch stream parser", () => {
  it("yields one event per line, in order", async () => {
    const text = line("ADDED", cm("a")) + line("MODIFIED", cm("a")) + line("DELETED", cm("a"));
    const events = await collect(chunks(text));
    assert.deepEqual(
      events.map((e) => e.type),
      ["ADDED", "MODIFIED", "DELETED"],
    );
    assert.equal(events[0]!.object.metadata.name, "a");
  });

  it("reassembles events split across chunks at every byte position", async () => {
    const text =
      line("ADDED", cm("a", { k: "v" })) +
      line("MODIFIED", cm("b")) +
      line("BOOKMARK", { metadata: { resourceVersion: "7" } });
    const bytes = enc.encode(text);
    for (let size = 1; size <= bytes.length; size += 3) {
      const events = await collect(chunks(...split(bytes, size)));
      assert.deepEqual(
        events.map((e) => `${e.type}:${e.object.metadata.name ?? e.object.metadata.resourceVersion}`),
        ["ADDED:a", "MODIFIED:b", "BOOKMARK:7"],
        `chunk size ${size}`,
      );
    }
  });

  it("decodes multibyte UTF-8 characters split between chunks", async () => {
    const data = { emoji: "😀 héllo 日本語 🚀", more: "ü".repeat(100) };
    const bytes = enc.encode(line("ADDED", cm("utf8", data)));
    for (let size = 1; size <= 11; size++) {
      const [event] = await collect(chunks(...split(bytes, size)));
      assert.deepEqual((event!.object as ReturnType<typeof cm>).data, data, `chunk size ${size}`);
    }
  });

  it("handles a multi-megabyte event arriving in 16 KiB chunks", async () => {
    const big = "x".repeat(5 * 1024 * 1024);
    const bytes = enc.encode(line("ADDED", cm("big", { big })) + line("DELETED", cm("after")));
    const started = performance.now();
    const events = await collect(chunks(...split(bytes, 16 * 1024)));
    assert.equal(events.length, 2);
    assert.equal((events[0]!.object as ReturnType<typeof cm>).data.big!.length, big.length);
    assert.equal(events[1]!.object.metadata.name, "after");
    // Linear framing: re-scanning the buffer per chunk would take seconds here.
    assert.ok(performance.now() - started < 2000, "parsing a 5 MiB event must be fast");
  });

  it("turns an ERROR 410 event into TSOP_WATCH_EXPIRED (an ApiError with the Status)", async () => {
    const status = {
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      code: 410,
      reason: "Expired",
      message: "too old resource version: 1 (5)",
    };
    const { events, err } = await collectError(chunks(line("ADDED", cm("a")) + line("ERROR", status)));
    assert.equal(events.length, 1);
    assert.ok(err instanceof WatchExpiredError);
    assert.ok(hasCode(err, "TSOP_WATCH_EXPIRED"));
    assert.ok(isGone(err));
    assert.equal(err.status.message, "too old resource version: 1 (5)");
  });

  it("turns other ERROR events into ApiError with the server's code", async () => {
    const status = { kind: "Status", status: "Failure", code: 500, reason: "InternalError", message: "boom" };
    const { err } = await collectError(chunks(line("ERROR", status)));
    assert.ok(err instanceof ApiError);
    assert.ok(hasCode(err, "TSOP_API_ERROR"));
    assert.equal(err.statusCode, 500);
  });

  it("fails with TSOP_WATCH_PROTOCOL on a malformed line instead of skipping it", async () => {
    const { events, err } = await collectError(
      chunks(line("ADDED", cm("a")) + "{not json\n" + line("ADDED", cm("b"))),
    );
    assert.equal(events.length, 1);
    assert.ok(hasCode(err, "TSOP_WATCH_PROTOCOL"));
  });

  it("does not put the malformed line's content in the error (it may be a Secret)", async () => {
    const { err } = await collectError(chunks('{"type":"ADDED","object":{"data":{"token":"s3cr3t-value"\n'));
    assert.ok(hasCode(err, "TSOP_WATCH_PROTOCOL"));
    assert.ok(!err.message.includes("s3cr3t"));
  });

  it("rejects unknown event types and events without metadata", async () => {
    for (const bad of [
      line("WHATEVER", cm("a")),
      line("ADDED", null),
      line("ADDED", { noMeta: 1 }),
      "[1,2]\n",
      "42\n",
    ]) {
      const { err } = await collectError(chunks(bad));
      assert.ok(hasCode(err, "TSOP_WATCH_PROTOCOL"), bad);
    }
  });

  it("skips blank lines (keep-alive style padding)", async () => {
    const events = await collect(chunks("\n", line("ADDED", cm("a")), "\r\n  \n", line("DELETED", cm("a"))));
    assert.equal(events.length, 2);
  });

  it("accepts a complete last event without newline, fails on a torn one", async () => {
    const json = JSON.stringify({ type: "ADDED", object: cm("last") });
    const events = await collect(chunks(line("ADDED", cm("a")), json));
    assert.deepEqual(
      events.map((e) => e.object.metadata.name),
      ["a", "last"],
    );
    const { events: before, err } = await collectError(chunks(line("ADDED", cm("a")), json.slice(0, 20)));
    assert.equal(before.length, 1);
    assert.ok(hasCode(err, "TSOP_WATCH_PROTOCOL"));
    assert.match(err.message, /stream ended inside an event/);
  });

  it("ends normally on an empty stream", async () => {
    assert.deepEqual(await collect(chunks()), []);
  });

  it("maps a source failure to TSOP_CONNECTION_ERROR", async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield enc.encode(line("ADDED", cm("a")));
      throw Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
    }
    const { events, err } = await collectError(failing());
    assert.equal(events.length, 1);
    assert.ok(hasCode(err, "TSOP_CONNECTION_ERROR"));
  });

  it("fails with TSOP_WATCH_INACTIVE when the source goes silent", async () => {
    let returned = false;
    const silent: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]() {
        let first = true;
        return {
          next: () => {
            if (first) {
              first = false;
              return Promise.resolve({ done: false, value: enc.encode(line("ADDED", cm("a"))) });
            }
            return new Promise<IteratorResult<Uint8Array>>(() => undefined); // never
          },
          return: () => {
            returned = true;
            return Promise.resolve({ done: true, value: undefined });
          },
        };
      },
    };
    const started = performance.now();
    const { events, err } = await collectError(silent, 100);
    assert.equal(events.length, 1);
    assert.ok(hasCode(err, "TSOP_WATCH_INACTIVE"));
    assert.ok(performance.now() - started < 1000);
    assert.ok(returned, "the source is closed");
  });

  it("does not count the consumer's processing time as inactivity", async () => {
    async function* steady(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 3; i++) yield enc.encode(line("ADDED", cm(`n${i}`)));
    }
    const names: string[] = [];
    for await (const e of parseWatchStream(steady(), { inactivityTimeoutMs: 50 })) {
      names.push(e.object.metadata.name!);
      await new Promise((r) => setTimeout(r, 120)); // slow consumer
    }
    assert.deepEqual(names, ["n0", "n1", "n2"]);
  });

  it("stays alive while data keeps flowing within the inactivity window", async () => {
    async function* trickle(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 8; i++) {
        await new Promise((r) => setTimeout(r, 40));
        yield enc.encode(line("MODIFIED", cm(`t${i}`)));
      }
    }
    const events = await collect(trickle(), 100);
    assert.equal(events.length, 8); // 320 ms in total, far beyond the 100 ms window
  });

  it("ends with TSOP_ABORTED when the signal fires while waiting, and closes the source", async () => {
    let returned = false;
    const never: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<Uint8Array>>(() => undefined),
        return: () => {
          returned = true;
          return Promise.resolve({ done: true, value: undefined });
        },
      }),
    };
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    await assert.rejects(
      async () => {
        for await (const _ of parseWatchStream(never, { signal: ac.signal, inactivityTimeoutMs: 0 })) {
          /* none */
        }
      },
      (err: unknown) => hasCode(err, "TSOP_ABORTED"),
    );
    assert.ok(returned);
  });

  it("closes the source when the consumer breaks out of the loop", async () => {
    let closed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        yield enc.encode(line("ADDED", cm("a")) + line("ADDED", cm("b")));
        yield enc.encode(line("ADDED", cm("c")));
      } finally {
        closed = true;
      }
    }
    for await (const e of parseWatchStream(source())) {
      assert.equal(e.object.metadata.name, "a");
      break;
    }
    await new Promise((r) => setImmediate(r));
    assert.ok(closed);
  });

  it("limits how much it buffers for one event", async () => {
    const { err } = await collectError(
      (async function* () {
        for (let i = 0; i < 10; i++) yield new Uint8Array(1024).fill(0x61);
      })(),
    ).catch(() => ({ err: undefined, events: [] }));
    // default limit is large: this small input ends as a torn event
    assert.ok(hasCode(err, "TSOP_WATCH_PROTOCOL"));
    const small = parseWatchStream(
      (async function* () {
        for (let i = 0; i < 10; i++) yield new Uint8Array(1024).fill(0x61);
      })(),
      { maxEventBytes: 4096 },
    );
    await assert.rejects(async () => {
      for await (const _ of small) {
        /* none */
      }
    }, /exceeds 4096 bytes/);
  });
});
