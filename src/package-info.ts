import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package root: the nearest ancestor of this module holding package.json. Works from src/ (vitest) and from
 * dist/src/ (the built command), so schemas/ and catalogs/ are found in both.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("tap-mode: cannot find the package root (package.json)");
    dir = parent;
  }
}

export interface PackageInfo {
  readonly name: string;
  readonly version: string;
  readonly description: string;
}

export function packageInfo(root: string = packageRoot()): PackageInfo {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Partial<PackageInfo>;
  return { name: pkg.name ?? "tap-mode", version: pkg.version ?? "0.0.0", description: pkg.description ?? "" };
}
