import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../support/run-cli.js";

interface LockEntry {
  readonly dev?: boolean;
  readonly [key: string]: unknown;
}
interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: ReadonlyArray<{ readonly path: string }>;
}

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  bin: Record<string, string>;
};
const work = mkdtempSync(join(tmpdir(), "tap-mode-install-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** npm itself, run by the Node running the tests (npm sets npm_execpath for `npm test` and `npx vitest`). */
function npm(args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const execPath = process.env.npm_execpath;
  const [command, argv] =
    execPath?.endsWith(".js") === true ? [process.execPath, [execPath, ...args]] : ["npm", [...args]];
  return spawnSync(command, argv, {
    cwd,
    encoding: "utf8",
    // No registry: the install runs with --offline (npm's cache mode only-if-cached: a request the cache cannot answer
    // fails instead of reaching the network), and pack needs none.
    env: {
      ...process.env,
      npm_config_update_notifier: "false",
      npm_config_audit: "false",
      npm_config_fund: "false",
    },
  });
}

/** Installed bins run with the `node` on PATH (the shebang): put the Node running the tests first. */
const PATH_WITH_NODE = [dirname(process.execPath), process.env.PATH ?? ""].join(delimiter);

describe("npm pack, then install the tarball outside the checkout", () => {
  let packed: PackResult;
  const prefix = join(work, "prefix");
  const elsewhere = join(work, "elsewhere");

  it("packs the built command, the schemas and the catalog, and nothing of the sources or tests", () => {
    // --ignore-scripts: npm test has just built dist/ (a real `npm pack` cleans and rebuilds it through prepack and
    // prepare, which would pull dist/ from under the tests running alongside).
    const result = npm(["pack", "--ignore-scripts", "--json", "--pack-destination", work], PROJECT_ROOT);
    expect(result.status, result.stderr).toBe(0);
    packed = (JSON.parse(result.stdout) as PackResult[])[0] as PackResult;
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(["package.json", "README.md", "dist/src/cli.js", "dist/src/main.js"]));
    expect(files).toEqual(expect.arrayContaining(["catalogs/catalog.json", "sample-config.json"]));
    const schemas = (dir: string): string[] =>
      readdirSync(join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? schemas(`${dir}/${e.name}`) : [`${dir}/${e.name}`],
      );
    expect(files).toEqual(expect.arrayContaining(schemas("schemas")));
    const stray = files.filter((f) => /^(src|test|bench|dist\/bench|node_modules)\/|\.(ts|map)$/.test(f));
    expect(stray).toEqual([]);
  });

  it("installs offline into a temporary prefix and runs from another directory", () => {
    // A project in the prefix that depends on the tarball, with a lockfile made of the checkout's production entries:
    // npm then needs only the dependencies' tarballs, which `npm ci` left in npm's cache. (Without a lockfile npm
    // would look each dependency's version list up in the registry, which `npm ci` does not cache.)
    const lock = JSON.parse(readFileSync(join(PROJECT_ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, LockEntry>;
    };
    const tarball = `file:../${packed.filename}`;
    const packages: Record<string, unknown> = {
      "": { dependencies: { [pkg.name]: tarball } },
      [`node_modules/${pkg.name}`]: {
        version: pkg.version,
        resolved: tarball,
        dependencies: pkg.dependencies,
        bin: pkg.bin,
      },
    };
    for (const [path, entry] of Object.entries(lock.packages))
      if (path !== "" && entry.dev !== true) packages[path] = entry;
    mkdirSync(prefix);
    mkdirSync(elsewhere);
    writeFileSync(
      join(prefix, "package.json"),
      JSON.stringify({ private: true, dependencies: { [pkg.name]: tarball } }),
    );
    writeFileSync(join(prefix, "package-lock.json"), JSON.stringify({ lockfileVersion: 3, requires: true, packages }));

    const started = performance.now();
    const install = npm(["ci", "--offline", "--loglevel=error"], prefix);
    const seconds = (performance.now() - started) / 1000;
    expect(install.status, install.stderr).toBe(0);
    const bin = join(prefix, "node_modules", ".bin", "tap-mode");
    expect(realpathSync(bin)).toBe(join(realpathSync(prefix), "node_modules", pkg.name, "dist", "src", "cli.js"));

    const run = (args: readonly string[]): SpawnSyncReturns<string> =>
      spawnSync(bin, args, { cwd: elsewhere, encoding: "utf8", env: { PATH: PATH_WITH_NODE } });
    const version = run(["--version"]);
    expect(version.stdout, version.stderr).toBe(`${pkg.name} ${pkg.version}\n`);
    // The settings schema and the stream schemas are read at run time from the installed package.
    writeFileSync(join(elsewhere, "config.json"), JSON.stringify({ api_token: "t", api_secret: "s", workspace: "w" }));
    const discover = run(["--config", "config.json", "--discover"]);
    expect(discover.status, discover.stderr).toBe(0);
    expect(discover.stdout).toBe(readFileSync(join(PROJECT_ROOT, "catalogs", "catalog.json"), "utf8"));
    console.log(
      `tarball ${(packed.size / 1024).toFixed(0)} kB (${packed.files.length} files, ` +
        `${(packed.unpackedSize / 1024).toFixed(0)} kB unpacked); offline install ${seconds.toFixed(1)} s`,
    );
  }, 90_000); // about 10-20 s: npm unpacks ~100 MB of dependencies (node-sql-parser is 89 MB of them)
});
