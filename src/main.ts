/**
 * The tap-mode command: argv in, exit code out. Its entry point is src/cli.ts, which checks the Node version before
 * this module (and everything it imports) is loaded.
 */
import { USAGE, parseCommand, type Command } from "./args.js";
import { BatchedText } from "./batched-text.js";
import { InputError, InterruptedError, TargetClosedError, exitCodeOf } from "./errors.js";
import { packageInfo } from "./package-info.js";
import { runCommand } from "./tap.js";

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Where SIGINT/SIGTERM come from (the process, or a test's emitter). */
  readonly signals: NodeJS.EventEmitter;
}

/**
 * Debug output (stack traces) is on when the config or the environment asks for it (docs/singer-notes.md §3.3
 * LOGLEVEL).
 */
function debugRequested(env: NodeJS.ProcessEnv): boolean {
  return [env.TAP_MODE_LOG_LEVEL, env.TAP_MODE_LOGLEVEL, env.LOGLEVEL].some((v) => v?.toLowerCase() === "debug");
}

/**
 * The command: argv in, exit code out. Usage and input errors exit 2, run failures 1, SIGINT 130, SIGTERM 143. Errors
 * are one `CRITICAL` line on stderr (docs/singer-notes.md §1.8), with a stack trace only at debug level. Never calls
 * process.exit(): output still in the pipe would be lost (docs/singer-notes.md §5).
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  // Every stderr line of the command goes through one batching writer, so order holds and the CRITICAL line comes last.
  const stderr = new BatchedText(io.stderr);
  // A crash main() cannot catch (an unhandled rejection ends the process) still writes the lines of its last turn:
  // io.signals is the process itself when run as a command.
  const onExit = (): void => stderr.flush();
  io.signals.on("exit", onExit);
  try {
    return await runMain(argv, { ...io, stderr });
  } finally {
    io.signals.off("exit", onExit);
    stderr.flush();
  }
}

async function runMain(
  argv: readonly string[],
  io: Omit<CliIo, "stderr"> & { readonly stderr: BatchedText },
): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    io.stderr.write(`CRITICAL ${(error as Error).message}\n${USAGE}\n`);
    return exitCodeOf(error);
  }
  if (command.kind === "help") {
    io.stderr.write(`${USAGE}\n`);
    return 0;
  }
  if (command.kind === "version") {
    const info = packageInfo();
    io.stdout.write(`${info.name} ${info.version}\n`);
    return 0;
  }
  const abort = new AbortController();
  const onSignal = (signal: "SIGINT" | "SIGTERM"): void => {
    if (abort.signal.aborted) return;
    io.stderr.write(`WARNING received ${signal}: finishing the messages in hand and writing the last safe STATE\n`);
    abort.abort(new InterruptedError(signal));
  };
  const onInt = (): void => onSignal("SIGINT");
  const onTerm = (): void => onSignal("SIGTERM");
  io.signals.on("SIGINT", onInt);
  io.signals.on("SIGTERM", onTerm);
  let debug = debugRequested(io.env);
  try {
    return await runCommand(command, { ...io, signal: abort.signal, onDebug: () => (debug = true) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const known =
      error instanceof InputError || error instanceof InterruptedError || error instanceof TargetClosedError;
    io.stderr.write(`CRITICAL ${message.split("\n")[0]}\n`);
    if (debug && !known && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return exitCodeOf(error);
  } finally {
    io.signals.off("SIGINT", onInt);
    io.signals.off("SIGTERM", onTerm);
  }
}

/** Runs the command on this process (called by src/cli.ts once it has checked the Node version). */
export async function runAsCommand(): Promise<void> {
  process.exitCode = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signals: process,
  });
}
