import { parseSimulatorArgs, USAGE } from "./cli-options.js";
import { startSimulator } from "./server.js";

// `node dist/src/simulator/main.js --port 8080 --seed 1 ...`: runs the simulator until SIGINT/SIGTERM.
// The first stdout line is the base URL (this program is not the tap, so stdout is free to use);
// the rest of the banner goes to stderr.
async function main(argv: readonly string[]): Promise<void> {
  let parsed: ReturnType<typeof parseSimulatorArgs>;
  try {
    parsed = parseSimulatorArgs(argv);
  } catch (error) {
    process.stderr.write(`simulator: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return;
  }
  const simulator = await startSimulator(parsed.options);
  process.stdout.write(`${simulator.baseUrl}\n`);
  const truth = simulator.model.truth();
  process.stderr.write(
    `Mode API simulator: base_url ${simulator.baseUrl}, workspace "${simulator.workspace}", api_token "` +
      `${simulator.token}" (secret from --secret, default sim-secret)\n` +
      `control API: ${simulator.controlUrl} (GET for the list of endpoints)\n` +
      (`workspace: ${truth.spaces?.length ?? 0} spaces, ${truth.reports?.length ?? 0} reports, ` +
        `${truth.queries?.length ?? 0} queries, ${truth.runs?.length ?? 0} runs\n`),
  );
  const shutdown = (): void => {
    void simulator.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`simulator failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
