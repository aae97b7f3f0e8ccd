import { startHubSpotSimulator, startSalesforceSimulator, startZohoSimulator } from '@parley/crm-simulators';
import { loadCrmSimulatorsConfig } from './crm-simulators-config';

interface Running {
  close(): Promise<void>;
}

/** Seeds synthetic contacts through the simulator's own control API, as a user would. */
async function seed(url: string, count: number, body: Record<string, unknown>): Promise<void> {
  if (count === 0) return;
  const response = await fetch(`${url}/sim/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, count }),
  });
  if (!response.ok) throw new Error(`seeding ${url} failed: HTTP ${response.status}`);
}

async function main(): Promise<void> {
  const loaded = loadCrmSimulatorsConfig(process.env);
  if (!loaded.ok) {
    process.stderr.write(
      `Invalid configuration of the CRM simulators:\n${loaded.problems.map((problem) => `  - ${problem}`).join('\n')}\n`,
    );
    process.exit(1);
  }
  const { host, hubspot, zoho, salesforce } = loaded.config;
  const running: Running[] = [];
  const lines: string[] = [];
  try {
    if (hubspot) {
      const sim = await startHubSpotSimulator(hubspot.options, hubspot.port, host);
      running.push(sim);
      await seed(sim.url, hubspot.seedContacts, {});
      lines.push(
        `HubSpot simulator listening on ${sim.url} (portal ${sim.core.options.portalId}; search lag ${sim.core.options.searchLagMs} ms)`,
        `  Webhooks:   ${sim.core.options.webhooks.targetUrl ?? 'none (HUBSPOT_SIM_WEBHOOK_URL unset; PUT /sim/webhooks sets one)'}`,
      );
    }
    if (zoho) {
      const sim = await startZohoSimulator(zoho.options, zoho.port, host);
      running.push(sim);
      await seed(sim.url, zoho.seedContacts, { module: 'Contacts' });
      lines.push(
        `Zoho CRM simulator listening on ${sim.url} (accounts server and API domain, data centre ${sim.core.options.dataCentre}, API v8)`,
      );
    }
    if (salesforce) {
      const sim = await startSalesforceSimulator(salesforce.options, salesforce.port, host);
      running.push(sim);
      await seed(sim.url, salesforce.seedContacts, { sobject: 'Contact' });
      lines.push(
        `Salesforce simulator listening on ${sim.url} (login URL and instance URL, API up to v${sim.core.options.latestApiVersion}.0)`,
      );
    }
  } catch (error) {
    await Promise.all(running.map((sim) => sim.close()));
    throw error;
  }
  lines.push('  Credentials: docs/CRM-SIMULATORS.md ("Connecting to the simulators"); control API under /sim on each.', '');
  process.stdout.write(lines.join('\n'));
  const stop = (): void => {
    Promise.all(running.map((sim) => sim.close())).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  // A taken port or an unusable host: say so instead of an unhandled rejection.
  process.stderr.write(`The CRM simulators could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
