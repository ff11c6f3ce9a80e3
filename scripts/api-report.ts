/**
 * The public API report: runs API Extractor on the built declaration files of every package entry point and
 * compares the result with the reports committed in `api/`. Any change to the public surface therefore shows up
 * in review as a diff of `api/*.api.md`, and a type used by a public signature that no entry point exports
 * (API Extractor's `ae-forgotten-export`, checked against the union of all entries, since entries share types
 * such as `KubeObject` by importing them from each other) fails the check.
 *
 *   npm run api:check    build, then fail if a report differs from the committed one (CI)
 *   npm run api:update   build, then rewrite the committed reports
 */
import { mkdir, readFile, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import {
  Extractor,
  ExtractorConfig,
  ExtractorLogLevel,
  type ExtractorMessage,
  type IConfigFile,
} from "@microsoft/api-extractor";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface PackageJson {
  name: string;
  exports: Record<string, string | { types?: string }>;
}

/** `"./client"` -> `"client"`, `"."` -> `"index"`: the report file of each entry. */
function reportName(subpath: string): string {
  return subpath === "." ? "index" : subpath.slice(2).replaceAll("/", "-");
}

async function main(update: boolean): Promise<number> {
  const pkg = JSON.parse(await readFile(`${ROOT}package.json`, "utf8")) as PackageJson;
  const entries = Object.entries(pkg.exports).flatMap(([subpath, target]) =>
    typeof target === "object" && target.types ? [{ subpath, types: target.types }] : [],
  );
  await mkdir(`${ROOT}api`, { recursive: true });
  let failed = 0;
  const forgotten: Array<{ symbol: string; where: string }> = [];
  for (const { subpath, types } of entries) {
    const name = reportName(subpath);
    const configObject: IConfigFile = {
      projectFolder: ROOT,
      mainEntryPointFilePath: `<projectFolder>/${types}`,
      compiler: { tsconfigFilePath: "<projectFolder>/tsconfig.build.json" },
      apiReport: {
        enabled: true,
        reportFileName: name,
        reportFolder: "<projectFolder>/api/",
        reportTempFolder: "<projectFolder>/dist/api-report-temp/",
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
        extractorMessageReporting: {
          default: { logLevel: ExtractorLogLevel.Warning },
          // Collected below and checked against every entry's exports.
          "ae-forgotten-export": { logLevel: ExtractorLogLevel.Warning, addToApiReportFile: false },
          "ae-undocumented": { logLevel: ExtractorLogLevel.None },
          // Entries share types (KubeObject, ClientConfig, ...) by re-exporting them; that is intended.
          "ae-missing-release-tag": { logLevel: ExtractorLogLevel.None },
        },
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
      },
    };
    const config = ExtractorConfig.prepare({
      configObject,
      configObjectFullPath: undefined,
      packageJsonFullPath: `${ROOT}package.json`,
    });
    const result = Extractor.invoke(config, {
      localBuild: update,
      showVerboseMessages: false,
      messageCallback: (message: ExtractorMessage) => {
        if (message.messageId !== "ae-forgotten-export") return;
        const symbol = /The symbol "([^"]+)"/.exec(message.text)?.[1];
        if (symbol)
          forgotten.push({
            symbol,
            where: `${message.sourceFilePath ?? "?"}:${message.sourceFileLine ?? 0}`,
          });
        message.handled = true;
      },
    });
    const changed = result.apiReportChanged && !update;
    const ok = result.errorCount === 0 && !changed;
    process.stdout.write(
      `${ok ? "ok  " : "FAIL"} ${pkg.name}${subpath === "." ? "" : subpath.slice(1)}: ` +
        `${result.errorCount} error(s), ${result.warningCount} warning(s)` +
        `${result.apiReportChanged ? (update ? ", report updated" : ", report differs from api/" + name + ".api.md") : ""}\n`,
    );
    if (!ok) failed++;
  }
  await rm(`${ROOT}dist/api-report-temp`, { recursive: true, force: true });
  const exported = new Set<string>();
  for (const { subpath } of entries) {
    const report = await readFile(`${ROOT}api/${reportName(subpath)}.api.md`, "utf8").catch(() => "");
    for (const m of report.matchAll(
      /^export (?:declare )?(?:abstract )?(?:class|interface|type|function|const|enum|namespace) (\w+)/gm,
    )) {
      if (m[1]) exported.add(m[1]);
    }
    for (const m of report.matchAll(/^export \{ (\w+)(?: as \w+)? \}/gm)) if (m[1]) exported.add(m[1]);
  }
  const unexported = forgotten.filter(({ symbol }) => !exported.has(symbol.replace(/_\d+$/, "")));
  for (const { symbol, where } of unexported) {
    process.stdout.write(
      `FAIL ${symbol} appears in a public signature (${where}) but no entry point exports it\n`,
    );
  }
  if (unexported.length) failed++;
  if (failed && !update) {
    process.stdout.write("run `npm run api:update` and commit api/*.api.md if the change is intended\n");
  }
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.includes("--update"));
