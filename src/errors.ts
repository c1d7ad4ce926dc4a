/**
 * Errors the command turns into exit codes. Anything the user can fix in their input (flags, config, catalog, state
 * files) is an InputError: one line on stderr, exit 2, no stack trace (docs/singer-notes.md §1.8: "Skip the stack
 * trace for errors the tap raised knowingly"). Failures during a run exit 1.
 */
export class InputError extends Error {
  override readonly name: string = "InputError";
  readonly exitCode: number = 2;
}

/** Bad command-line usage: unknown flag, impossible combination, missing required flag. */
export class UsageError extends InputError {
  override readonly name = "UsageError";
}

/** A config file (or the environment) that does not satisfy the config schema. */
export class ConfigError extends InputError {
  override readonly name = "ConfigError";
}

/** The downstream target closed our stdout (EPIPE): nothing more can be delivered. */
export class TargetClosedError extends Error {
  override readonly name = "TargetClosedError";
  readonly exitCode = 1;
  constructor() {
    super(
      "the target closed the pipe on stdout (EPIPE); stopping: messages after the last STATE it read were " +
        "not delivered",
    );
  }
}

/** A sync stopped by SIGINT/SIGTERM after writing its last safe STATE. */
export class InterruptedError extends Error {
  override readonly name = "InterruptedError";
  constructor(readonly signal: "SIGINT" | "SIGTERM") {
    super(`interrupted by ${signal}; the last STATE written is safe to resume from`);
  }
  get exitCode(): number {
    return this.signal === "SIGINT" ? 130 : 143;
  }
}

/** The exit code an error maps to (1 unless the error says otherwise). */
export function exitCodeOf(error: unknown): number {
  if (typeof error === "object" && error !== null && "exitCode" in error) {
    const code = (error as { exitCode: unknown }).exitCode;
    if (typeof code === "number") return code;
  }
  return 1;
}
