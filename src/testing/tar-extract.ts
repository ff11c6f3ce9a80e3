/**
 * Extracts chosen executables from a .tar.gz without a `tar` command: the envtest archive holds a few large
 * regular files (`controller-tools/envtest/{etcd,kube-apiserver,kubectl}`), and a `tar` binary cannot be counted
 * on everywhere. It streams (the archive is ~100 MB unpacked) and writes only the wanted names, by basename, into
 * one folder, so no entry in the archive can write anywhere else.
 */
import { createReadStream } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { basename, join } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { TsOperatorError } from "../core/errors.js";

const BLOCK = 512;
/** Bounds the metadata entries (GNU long names, pax headers) read into memory. */
const MAX_METADATA_BYTES = 1 << 20;

interface Entry {
  /** File bytes left in this entry. */
  remaining: number;
  /** Zero bytes after the data, up to the next 512-byte boundary. */
  padding: number;
  write(chunk: Buffer): Promise<void>;
  end(): Promise<void>;
}

/**
 * Writes each regular file of `archive` whose basename is in `wanted` to `destDir/<basename>` (mode 0755) and
 * returns the names written. Throws TSOP_CONTROLPLANE when the archive is not a valid tar.gz.
 */
export async function extractTarGz(
  archive: string,
  destDir: string,
  wanted: ReadonlySet<string>,
): Promise<string[]> {
  const reader = new TarReader(destDir, wanted);
  try {
    await pipeline(createReadStream(archive), createGunzip(), reader);
  } catch (cause) {
    await reader.abort();
    throw new TsOperatorError(
      "TSOP_CONTROLPLANE",
      `cannot extract ${archive}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  if (!reader.ended) {
    throw new TsOperatorError("TSOP_CONTROLPLANE", `cannot extract ${archive}: the tar stream is truncated`);
  }
  return [...reader.written];
}

class TarReader extends Writable {
  readonly written = new Set<string>();
  /** Set by the zero block that ends an archive; a stream that stops before it is truncated. */
  ended = false;
  #pending: Buffer = Buffer.alloc(0);
  #entry: Entry | undefined;
  #open: FileHandle | undefined;
  /** A name carried by a GNU long-name or pax header for the entry that follows it. */
  #nextName: string | undefined;

  constructor(
    private readonly destDir: string,
    private readonly wanted: ReadonlySet<string>,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#consume(chunk).then(
      () => callback(),
      (err: unknown) =>
        callback(err instanceof Error ? err : new TsOperatorError("TSOP_CONTROLPLANE", String(err))),
    );
  }

  async abort(): Promise<void> {
    await this.#open?.close().catch(() => undefined);
    this.#open = undefined;
  }

  async #consume(chunk: Buffer): Promise<void> {
    let data = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = Buffer.alloc(0);
    while (data.length > 0) {
      const entry = this.#entry;
      if (entry) {
        const take = Math.min(data.length, entry.remaining);
        if (take > 0) await entry.write(data.subarray(0, take));
        entry.remaining -= take;
        data = data.subarray(take);
        const pad = Math.min(data.length, entry.remaining === 0 ? entry.padding : 0);
        entry.padding -= pad;
        data = data.subarray(pad);
        if (entry.remaining === 0 && entry.padding === 0) {
          this.#entry = undefined;
          await entry.end();
        }
        continue;
      }
      if (this.ended) return; // the zero blocks that end the archive, and any trailing padding
      if (data.length < BLOCK) {
        this.#pending = Buffer.from(data);
        return;
      }
      this.#header(data.subarray(0, BLOCK));
      data = data.subarray(BLOCK);
    }
  }

  #header(block: Buffer): void {
    if (block.every((b) => b === 0)) {
      this.ended = true;
      return;
    }
    const stored = octal(block, 148, 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    if (stored !== sum)
      throw new TsOperatorError(
        "TSOP_CONTROLPLANE",
        "bad tar header checksum (not a tar archive, or corrupt)",
      );
    const size = octal(block, 124, 12);
    const type = String.fromCharCode(block[156] ?? 0);
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    const name = this.#takeName(block);

    if (type === "L" || type === "x") {
      if (size > MAX_METADATA_BYTES)
        throw new TsOperatorError("TSOP_CONTROLPLANE", `tar metadata entry of ${size} bytes`);
      const parts: Buffer[] = [];
      this.#entry = {
        remaining: size,
        padding,
        write: async (chunk) => void parts.push(Buffer.from(chunk)),
        end: async () => {
          const body = Buffer.concat(parts);
          this.#nextName = type === "L" ? cString(body, 0, body.length) : paxPath(body);
        },
      };
      return;
    }
    const regular = type === "0" || type === "\0" || type === "7";
    const base = basename(name);
    if (!regular || !this.wanted.has(base) || this.written.has(base)) {
      this.#entry = { remaining: size, padding, write: async () => {}, end: async () => {} };
      return;
    }
    let handle: FileHandle | undefined;
    this.#entry = {
      remaining: size,
      padding,
      write: async (chunk) => {
        handle ??= this.#open = await open(join(this.destDir, base), "w", 0o755);
        await handle.write(chunk);
      },
      end: async () => {
        handle ??= await open(join(this.destDir, base), "w", 0o755);
        await handle.close();
        this.#open = undefined;
        this.written.add(base);
      },
    };
  }

  /** The entry's path: from a preceding long-name/pax entry, else ustar prefix + name. */
  #takeName(block: Buffer): string {
    const carried = this.#nextName;
    this.#nextName = undefined;
    if (carried) return carried;
    const name = cString(block, 0, 100);
    const ustar = block.toString("latin1", 257, 262) === "ustar";
    const prefix = ustar ? cString(block, 345, 155) : "";
    return prefix ? `${prefix}/${name}` : name;
  }
}

function cString(buf: Buffer, start: number, length: number): string {
  const slice = buf.subarray(start, start + length);
  const nul = slice.indexOf(0);
  return slice.toString("utf8", 0, nul === -1 ? slice.length : nul);
}

function octal(buf: Buffer, start: number, length: number): number {
  if ((buf[start] ?? 0) & 0x80)
    throw new TsOperatorError("TSOP_CONTROLPLANE", "tar entry too large (base-256 size)");
  const text = cString(buf, start, length).trim();
  const value = text === "" ? 0 : Number.parseInt(text, 8);
  if (!Number.isFinite(value))
    throw new TsOperatorError("TSOP_CONTROLPLANE", `bad octal field ${JSON.stringify(text)} in tar header`);
  return value;
}

/** The `path` record of a pax extended header ("<len> path=<value>\n" records). */
function paxPath(body: Buffer): string | undefined {
  const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString("utf8"));
  return m?.[1];
}
