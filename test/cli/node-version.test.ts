import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, readFileSync, realpathSync } from "node:fs";
import { delimiter, join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, PROJECT_ROOT } from "../support/run-cli.js";

interface PackageJson {
  readonly engines: { readonly node: string };
  readonly dependencies: Readonly<Record<string, string>>;
}

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as PackageJson;

/** "22.19.0" -> [22, 19, 0] */
const parts = (version: string): number[] => version.replace(/^v/, "").split(".").map(Number);
const compare = (a: string, b: string): number => {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
};
const minimum = /^>=(\d+\.\d+\.\d+)$/.exec(pkg.engines.node)?.[1] ?? "";

/** Every `node` on PATH and in the usual system places, with its version (the test runs under Node 22 from npm). */
function nodeBinaries(): Array<{ path: string; version: string }> {
  const candidates = [
    ...(process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, "node")),
    "/usr/local/bin/node",
    "/usr/bin/node",
  ];
  const seen = new Map<string, string>();
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      const real = realpathSync(candidate);
      if (!seen.has(real)) seen.set(real, execFileSync(real, ["--version"], { encoding: "utf8" }).trim());
    } catch {
      // not there, or not runnable
    }
  }
  return [...seen].map(([path, version]) => ({ path, version }));
}

const oldNode = nodeBinaries().find((node) => compare(node.version, minimum) < 0);

/** The Node flags of the command's shebang (`#!/usr/bin/env -S node FLAGS`): an old Node must accept them too. */
const shebangFlags = (readFileSync(CLI, "utf8").split("\n", 1)[0] ?? "").split(/\s+/).slice(3);

describe("the Node.js version check (src/cli.ts)", () => {
  it("package.json engines.node is the highest minimum the production dependencies declare", () => {
    expect(minimum).toMatch(/^\d+\.\d+\.\d+$/);
    const declared = Object.keys(pkg.dependencies).map((name) => {
      const dep = JSON.parse(readFileSync(join(PROJECT_ROOT, "node_modules", name, "package.json"), "utf8")) as {
        engines?: { node?: string };
      };
      return /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(dep.engines?.node ?? "")?.[1] ?? "0.0.0";
    });
    const highest = declared.reduce((a, b) => (compare(a, b) >= 0 ? a : b));
    expect(minimum).toBe(highest.split(".").concat(["0", "0"]).slice(0, 3).join("."));
    expect(shebangFlags).toEqual(["--max-semi-space-size=8", "--heap-growing-percent=10"]);
  });

  it("runs the command on a Node that meets the minimum", () => {
    expect(compare(process.version, minimum)).toBeGreaterThanOrEqual(0);
    const result = spawnSync(process.execPath, [...shebangFlags, CLI, "--version"], { encoding: "utf8" });
    expect(result.stdout).toBe(
      `tap-mode ` +
        `${(JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string }).version}\n`,
    );
    expect(result.status).toBe(0);
  });

  it.skipIf(oldNode === undefined)(
    `on an older Node (${oldNode ? `${oldNode.path} ${oldNode.version}` : "skipped: none on this machine"}` +
      `) prints one line and exits 2`,
    () => {
      const node = oldNode as { path: string; version: string };
      for (const args of [["--version"], ["--config", "missing.json", "--discover"]]) {
        const result = spawnSync(node.path, [...shebangFlags, CLI, ...args], { encoding: "utf8" });
        const [major, minor] = parts(minimum);
        expect(result.stderr).toBe(
          `tap-mode needs Node.js ${major}.${minor} or later; this is Node ${node.version.replace(/^v/, "")}\n`,
        );
        expect(result.stdout).toBe("");
        expect(result.status).toBe(2);
      }
    },
  );
});
