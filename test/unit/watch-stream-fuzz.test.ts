/**
 * Fuzzing the watch stream parser with seeded random input: valid streams cut into random chunks must parse to
 * exactly the events sent; truncated, mutated and random byte sequences must end with events or a typed error,
 * never a crash, an untyped exception or a hang. Seeded, so a failure is reproducible from the printed seed.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TsOperatorError } from "../../src/core/errors.js";
import { parseWatchStream } from "../../src/client/watch-stream.js";
import { rng } from "../support/seeded-random.js";

const ALPHABET = ["a", "Z", "0", " ", '"', "\\", "\n", "é", "😀", "日", "{", "}", ":", ","];
const TYPES = ["ADDED", "MODIFIED", "DELETED", "BOOKMARK"];
const ALLOWED = new Set(["TSOP_WATCH_PROTOCOL", "TSOP_WATCH_EXPIRED", "TSOP_API_ERROR"]);

function randomString(r: () => number, max: number): string {
  let s = "";
  const n = Math.floor(r() * max);
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

function randomEvent(r: () => number, i: number): { type: string; object: unknown } {
  if (r() < 0.03)
    return {
      type: "ERROR",
      object: { kind: "Status", code: r() < 0.5 ? 410 : 500, message: randomString(r, 20) },
    };
  const big = r() < 0.02 ? "x".repeat(Math.floor(r() * 300_000)) : randomString(r, 40);
  return {
    type: TYPES[Math.floor(r() * TYPES.length)]!,
    object: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `o${i}`, resourceVersion: String(i) },
      data: { v: big },
    },
  };
}

function chunked(r: () => number, bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < bytes.length) {
    const size = 1 + Math.floor(r() * (r() < 0.5 ? 8 : 70_000));
    out.push(bytes.subarray(i, i + size));
    i += size;
  }
  return out;
}

async function run(parts: Uint8Array[]): Promise<{ events: unknown[]; err?: unknown }> {
  const events: unknown[] = [];
  async function* source() {
    for (const p of parts) {
      yield p;
      if (parts.length < 50) await Promise.resolve();
    }
  }
  try {
    for await (const e of parseWatchStream(source(), { inactivityTimeoutMs: 5_000 })) events.push(e);
    return { events };
  } catch (err) {
    return { events, err };
  }
}

const enc = new TextEncoder();
const CASES = 3000;

describe("watch stream parser under fuzzing", () => {
  it(`parses ${CASES / 3} valid streams with random chunking exactly`, async () => {
    for (let seed = 1; seed <= CASES / 3; seed++) {
      const r = rng(seed);
      const sent = Array.from({ length: 1 + Math.floor(r() * 6) }, (_, i) => randomEvent(r, i));
      const bytes = enc.encode(sent.map((e) => JSON.stringify(e) + "\n").join(""));
      const { events, err } = await run(chunked(r, bytes));
      const firstError = sent.findIndex((e) => e.type === "ERROR");
      const expected = firstError < 0 ? sent : sent.slice(0, firstError);
      assert.deepEqual(events, expected, `seed ${seed}`);
      if (firstError >= 0) assert.ok(err instanceof TsOperatorError && ALLOWED.has(err.code), `seed ${seed}`);
      else assert.equal(err, undefined, `seed ${seed}`);
    }
  });

  it(`survives ${CASES / 3} truncated and mutated streams with typed errors only`, async () => {
    for (let seed = 100_000; seed < 100_000 + CASES / 3; seed++) {
      const r = rng(seed);
      const sent = Array.from({ length: 1 + Math.floor(r() * 5) }, (_, i) => randomEvent(r, i));
      const bytes = enc.encode(sent.map((e) => JSON.stringify(e) + "\n").join(""));
      let mutated: Uint8Array = bytes.slice(0, Math.floor(r() * (bytes.length + 1)));
      const flips = Math.floor(r() * 6);
      for (let f = 0; f < flips && mutated.length > 0; f++) {
        const at = Math.floor(r() * mutated.length);
        const op = r();
        if (op < 0.4) mutated[at] = Math.floor(r() * 256);
        else if (op < 0.7)
          mutated = Buffer.concat([mutated.subarray(0, at), Buffer.from([0x0a]), mutated.subarray(at)]);
        else
          mutated = Buffer.concat([mutated.subarray(0, at), mutated.subarray(at + 1 + Math.floor(r() * 10))]);
      }
      const { events, err } = await run(chunked(r, mutated));
      if (err !== undefined)
        assert.ok(
          err instanceof TsOperatorError && ALLOWED.has(err.code),
          `seed ${seed}: ${err instanceof Error ? err.message : typeof err}`,
        );
      for (const e of events as Array<{ type: string; object: { metadata: unknown } }>) {
        assert.ok(TYPES.includes(e.type), `seed ${seed}`);
        assert.equal(typeof e.object.metadata, "object", `seed ${seed}`);
      }
    }
  });

  it(`survives ${CASES / 3} random byte sequences`, async () => {
    for (let seed = 200_000; seed < 200_000 + CASES / 3; seed++) {
      const r = rng(seed);
      const bytes = new Uint8Array(Math.floor(r() * 400));
      for (let i = 0; i < bytes.length; i++) bytes[i] = r() < 0.1 ? 0x0a : Math.floor(r() * 256);
      const { err } = await run(chunked(r, bytes));
      if (err !== undefined)
        assert.ok(
          err instanceof TsOperatorError && ALLOWED.has(err.code),
          `seed ${seed}: ${err instanceof Error ? err.message : typeof err}`,
        );
    }
  });
});
