/**
 * Fuzzing the kubeconfig loader with seeded random input: truncated, mutated and random byte strings derived
 * from the fixtures must either load or fail with a TsOperatorError, never crash with another error and never
 * hang. Seeded, so a failure is reproducible from the printed seed and iteration.
 */
import { strict as assert } from "node:assert";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { ClientConfig } from "../../src/client/config.js";
import { credentialProviderFor } from "../../src/client/credential-providers.js";
import { resolveKubeconfigSources } from "../../src/client/kubeconfig.js";
import { TsOperatorError } from "../../src/core/errors.js";
import { rng } from "../support/seeded-random.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = resolve(here, "../fixtures/kubeconfig");
const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 3000);
const PER_CALL_LIMIT_MS = 5000;

/** Fragments that steer YAML into its corners: flow/block mixing, anchors, tags, odd scalars, indentation. */
const TOKENS = [
  ":",
  "- ",
  "[",
  "]",
  "{",
  "}",
  ",",
  "'",
  '"',
  "\n",
  "\n  ",
  "\t",
  "#",
  "&a ",
  "*a",
  "<<: *a",
  "!!binary ",
  "!!set ",
  "!!map ",
  "!!str ",
  "!custom ",
  "null",
  "~",
  "true",
  "no",
  "1e9",
  "0x1F",
  "-1",
  "|\n  x",
  ">-\n  y",
  "---\n",
  "...\n",
  "? ",
  "%YAML 1.1\n",
  "name: ",
  "cluster: ",
  "user: ",
  "context: ",
  "server: ",
  "token: ",
  "exec: ",
  "apiVersion: ",
  "client.authentication.k8s.io/v1",
  "command: ",
  "certificate-authority-data: ",
  "client-key-data: ",
  "QUJD",
  "====",
  "tokenFile: ",
  "/dev/zero",
  "../..",
  "as-groups: ",
  "env: ",
  "\u0000",
  "\uFEFF",
  "é",
  "😀",
];

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

function mutate(r: () => number, base: string): Uint8Array {
  const kind = Math.floor(r() * 8);
  switch (kind) {
    case 0: // truncated
      return Buffer.from(base.slice(0, Math.floor(r() * base.length)));
    case 1: {
      // random byte flips
      const bytes = Buffer.from(base);
      const flips = 1 + Math.floor(r() * 8);
      for (let i = 0; i < flips && bytes.length > 0; i++) {
        // Mostly printable ASCII, so the YAML parser (not only the UTF-8 check) sees the damage.
        bytes[Math.floor(r() * bytes.length)] = r() < 0.8 ? 32 + Math.floor(r() * 95) : Math.floor(r() * 256);
      }
      return bytes;
    }
    case 2: {
      // token insertions
      let text = base;
      const inserts = 1 + Math.floor(r() * 6);
      for (let i = 0; i < inserts; i++) {
        const at = Math.floor(r() * (text.length + 1));
        text = text.slice(0, at) + pick(r, TOKENS) + text.slice(at);
      }
      return Buffer.from(text);
    }
    case 3: {
      // line deletions / duplications / swaps
      const lines = base.split("\n");
      const ops = 1 + Math.floor(r() * 5);
      for (let i = 0; i < ops && lines.length > 1; i++) {
        const a = Math.floor(r() * lines.length);
        const b = Math.floor(r() * lines.length);
        const op = r();
        if (op < 0.33) lines.splice(a, 1);
        else if (op < 0.66) lines.splice(a, 0, lines[b]!);
        else [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      }
      return Buffer.from(lines.join("\n"));
    }
    case 4: {
      // indentation damage
      const lines = base
        .split("\n")
        .map((line) => (r() < 0.1 ? " ".repeat(Math.floor(r() * 6)) + line.trimStart() : line));
      return Buffer.from(lines.join("\n"));
    }
    case 5: {
      // value replacement: the right keys with values of the wrong type
      const values = [
        "[]",
        "{}",
        "3",
        "true",
        "null",
        "''",
        "[a, b]",
        "{x: y}",
        "!!binary QUJD",
        "*a",
        "'%%%'",
      ];
      return Buffer.from(base.replace(/: ([^\n]*)/g, (m) => (r() < 0.15 ? `: ${pick(r, values)}` : m)));
    }
    case 6: {
      // pure random bytes
      const bytes = Buffer.alloc(Math.floor(r() * 400));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(r() * 256);
      return bytes;
    }
    default: {
      // a soup of tokens
      let text = "";
      const n = Math.floor(r() * 60);
      for (let i = 0; i < n; i++) text += pick(r, TOKENS);
      return Buffer.from(text);
    }
  }
}

async function withinLimit<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: did not finish within ${PER_CALL_LIMIT_MS} ms`)),
      PER_CALL_LIMIT_MS,
    );
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

describe("kubeconfig fuzz", () => {
  it(`loads or rejects with TsOperatorError for ${ITERATIONS} mutated inputs (seed ${SEED})`, async () => {
    const bases = await Promise.all(
      ["full", "merge/first", "merge/second"].map(async (folder) => ({
        folder: join(fixtures, folder),
        text: await readFile(join(fixtures, folder, "config"), "utf8"),
      })),
    );
    const contexts = ["token-ctx", "certdata-ctx", "certfile-ctx", "exec-ctx", "a", "b", "c", "missing"];
    const r = rng(SEED);
    const tmp = await mkdtemp(join(tmpdir(), "tsop-kc-fuzz-"));
    const outcomes = { loaded: 0, rejected: 0 };
    const codes = new Map<string, number>();
    try {
      for (let i = 0; i < ITERATIONS; i++) {
        const base = pick(r, bases);
        const input = mutate(r, base.text);
        // Half the time the file's own current-context, which matches the base and so loads more often.
        const context = r() < 0.5 ? undefined : pick(r, contexts);
        const what = `seed ${SEED} iteration ${i}`;
        // Most inputs go through the in-memory path (fast); every tenth through a real file and fromKubeconfig.
        const viaFile = i % 10 === 0;
        const attempt = async (): Promise<ClientConfig> => {
          if (viaFile) {
            const path = join(tmp, "config");
            await writeFile(path, input);
            return ClientConfig.fromKubeconfig("fuzz", { path, context });
          }
          // A virtual path inside the fixtures so relative references resolve to real files sometimes.
          const path = join(base.folder, "fuzzed-config");
          return new ClientConfig(
            await resolveKubeconfigSources([{ path, text: input }], "fuzz", { context }),
          );
        };
        try {
          const config = await withinLimit(attempt(), what);
          credentialProviderFor(config);
          outcomes.loaded++;
        } catch (err) {
          if (!(err instanceof TsOperatorError)) {
            assert.fail(
              `${what}: threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`,
            );
          }
          outcomes.rejected++;
          if (process.env.FUZZ_VERBOSE) console.log(err.message);
          codes.set(err.code, (codes.get(err.code) ?? 0) + 1);
        }
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    // The mutations must exercise both outcomes, or the fuzzer is not testing much.
    assert.ok(outcomes.loaded > ITERATIONS / 50, `only ${outcomes.loaded} inputs loaded`);
    assert.ok(outcomes.rejected > ITERATIONS / 10, `only ${outcomes.rejected} inputs rejected`);
    for (const code of codes.keys()) {
      assert.ok(["TSOP_KUBECONFIG_INVALID", "TSOP_CONFIG_INVALID"].includes(code), `unexpected code ${code}`);
    }
  });
});
