import { startSimulator } from '@parley/whatsapp-simulator';
import { loadSimulatorConfig } from './simulator-config';

async function main(): Promise<void> {
  const loaded = loadSimulatorConfig(process.env);
  if (!loaded.ok) {
    process.stderr.write(`Invalid configuration of the WhatsApp simulator:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  const { host, port, options, summary } = loaded.config;
  const simulator = await startSimulator(options, port, host);
  process.stdout.write(
    [
      `WhatsApp simulator listening on ${simulator.url}`,
      `  Phone page:      ${simulator.url}/phone (chat as a customer)`,
      ...summary.map((line) => `  ${line}`),
      '',
    ].join('\n'),
  );
  const stop = (): void => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  // A taken port or an unusable host: say so instead of an unhandled rejection.
  process.stderr.write(`The WhatsApp simulator could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
