import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TsOperatorError } from "../../src/core/errors.js";
import { isSensitiveKey, redactSecrets, silentLogger } from "../../src/core/logger.js";
import { createPinoLogger, levelFromEnvironment } from "../../src/operator/observe/logger.js";

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  return {
    lines,
    raw,
    destination: {
      write(line: string) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  };
}

describe("logger", () => {
  it("writes JSON lines with the level name, message and fields", () => {
    const out = capture();
    const logger = createPinoLogger({
      level: "info",
      destination: out.destination,
      base: { operator: "op" },
    });
    logger.info({ children: 2 }, "synced");
    logger.debug({}, "hidden below info");
    assert.equal(out.lines.length, 1);
    assert.equal(out.lines[0]?.["level"], "info");
    assert.equal(out.lines[0]?.["msg"], "synced");
    assert.equal(out.lines[0]?.["children"], 2);
    assert.equal(out.lines[0]?.["operator"], "op");
    assert.equal(typeof out.lines[0]?.["time"], "string");
  });

  it("never prints sensitive keys, at any depth, in fields, child bindings and errors", () => {
    const out = capture();
    const logger = createPinoLogger({ level: "debug", destination: out.destination });
    const err = Object.assign(new TsOperatorError("TSOP_API_ERROR", "boom"), { authorization: "Bearer abc" });
    logger.child({ parent: "ns/a", token: "tok-1" }).warn(
      {
        config: { user: { token: "tok-2", "client-key-data": "KEYDATA", password: "pw" } },
        headers: [{ Authorization: "Bearer tok-3" }],
        bearerToken: "tok-4",
        certData: "CERT",
        key: "k",
        err,
      },
      "failed",
    );
    const text = out.raw.join("");
    for (const secret of ["tok-1", "tok-2", "tok-3", "tok-4", "KEYDATA", 'pw"', "CERT", "Bearer abc"]) {
      assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    }
    const line = out.lines[0] as Record<string, unknown>;
    assert.equal(line["parent"], "ns/a");
    assert.equal(line["token"], "[REDACTED]");
    assert.deepEqual(line["err"] && (line["err"] as Record<string, unknown>)["code"], "TSOP_API_ERROR");
    assert.equal((line["err"] as Record<string, unknown>)["message"], "boom");
  });

  it("redactSecrets handles cycles, Maps and leaves the input untouched", () => {
    const a: Record<string, unknown> = { name: "x", password: "p" };
    a["self"] = a;
    const out = redactSecrets({ a, m: new Map([["token", "t"]]) }) as Record<string, Record<string, unknown>>;
    assert.equal(out["a"]?.["password"], "[REDACTED]");
    assert.equal(out["a"]?.["self"], "[Circular]");
    assert.equal(out["m"]?.["token"], "[REDACTED]");
    assert.equal(a["password"], "p");
  });

  it("classifies key names", () => {
    for (const k of [
      "token",
      "refresh_token",
      "Authorization",
      "client-key-data",
      "certData",
      "key",
      "dbPassword",
    ]) {
      assert.ok(isSensitiveKey(k), k);
    }
    for (const k of ["parent", "name", "namespace", "keys", "tokenFile", "reason"]) {
      assert.ok(!isSensitiveKey(k), k);
    }
  });

  it("takes the level from LOG_LEVEL, default info", () => {
    assert.equal(levelFromEnvironment({}), "info");
    assert.equal(levelFromEnvironment({ LOG_LEVEL: "DEBUG" }), "debug");
    assert.equal(levelFromEnvironment({ LOG_LEVEL: "nonsense" }), "info");
  });

  it("silentLogger accepts everything", () => {
    silentLogger.child({ a: 1 }).error({ b: 2 }, "nothing");
  });
});
