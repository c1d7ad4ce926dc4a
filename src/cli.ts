#!/usr/bin/env -S node --max-semi-space-size=8 --heap-growing-percent=10
// The flags on the line above: with V8's defaults the tap's peak RSS reached 217 MB on a 10x workspace (926k records)
// although its live data is about 20-40 MB: young-generation semi-spaces of 16 MB and an old generation allowed to grow
// far past its live size between full collections. 8 MB semi-spaces and a 10% growth step keep it near 150 MB at 10x
// for about 5% more CPU. (--optimize-for-size reached 129 MB but cost 50% more CPU per record.) npm run bench, "Peak
// RSS at 10x". `env -S` passes the flags through the shebang on Linux and macOS. Node 18 and 20 accept them too, so an
// older Node reaches the version check below.
//
// The entry point of the command (package.json "bin"). It must run on any Node.js that can load an ES module, so it
// imports nothing statically and uses no recent syntax: on an older Node the real command fails while loading (undici
// needs a recent Node 22's zlib), with a stack trace instead of a sentence.

/**
 * The oldest Node.js tap-mode runs on: undici 8 declares node >= 22.19 (it loads zlib's zstd decompressor, added in
 * 22.15). Keep equal to package.json "engines.node"; test/cli/node-version.test.ts checks both against the
 * dependencies.
 */
const MINIMUM_MAJOR = 22;
const MINIMUM_MINOR = 19;

const nodeVersion = process.versions.node;
const [major = 0, minor = 0] = nodeVersion.split(".").map(Number);
if (major < MINIMUM_MAJOR || (major === MINIMUM_MAJOR && minor < MINIMUM_MINOR)) {
  process.stderr.write(
    `tap-mode needs Node.js ${MINIMUM_MAJOR}.${MINIMUM_MINOR} or later; this is Node ${nodeVersion}\n`,
  );
  // The usage/input-error code: the command cannot run as invoked.
  process.exitCode = 2;
} else {
  void import("./main.js").then((command) => command.runAsCommand());
}
