// One local CRM server in a process of its own, for the multi-process real-time bench
// (realtime.bench.mjs): the CRM's HTTP work then no longer shares an event loop with the
// engine or the bench's client. Uses the built library (libs/crm-simulators/dist).
//
//   node tools/bench/crm-sync/crm-process.mjs <hubspot|salesforce|zoho> <port> '<options as JSON>'
//
// Prints one line `{"url": ...}` once listening; SIGTERM closes it.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(fileURLToPath(new URL('../../../package.json', import.meta.url)));
const simulators = require('./libs/crm-simulators/dist/index.js');

const [crm, port, optionsJson] = process.argv.slice(2);
const start = {
  hubspot: simulators.startHubSpotSimulator,
  salesforce: simulators.startSalesforceSimulator,
  zoho: simulators.startZohoSimulator,
}[crm ?? ''];
if (!start) {
  process.stderr.write('usage: crm-process.mjs <hubspot|salesforce|zoho> <port> <options JSON>\n');
  process.exit(2);
}
const sim = await start(JSON.parse(optionsJson ?? '{}'), Number(port ?? 0), '127.0.0.1');
process.stdout.write(`${JSON.stringify({ url: sim.url })}\n`);
const stop = () => {
  sim.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
