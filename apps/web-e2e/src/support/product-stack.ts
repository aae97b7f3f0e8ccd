import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { freePort } from '../../../../tools/lib/free-port.cjs';
import { type RunningStack, SIMULATOR_PHONE_NUMBER_ID, startStack } from '../../../../tools/lib/stack.cjs';

export interface ProductStack {
  urls: RunningStack['urls'];
  admin: { email: string; password: string };
  phoneNumberId: string;
  /** The stack's own database, for a test that must set up what time would (an old message). */
  databaseUrl: string;
  stop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env['PARLEY_TEST_ADMIN_URL'] ?? process.env['DATABASE_URL'];
  if (!url) throw new Error('No PostgreSQL for tests: run through `npm test`');
  return url;
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The production build of the whole product, as `npm start` runs it, on a
 * fresh database and free ports, with the WhatsApp simulator standing in for Meta
 * (and the local CRMs asked for, in `urls.crm`).
 */
export async function startProductStack(
  options: { crmSimulators?: readonly ('hubspot' | 'zoho' | 'salesforce')[]; engineEnv?: Record<string, string> } = {},
): Promise<ProductStack> {
  const database = `parley_e2e_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${database}`));
  const url = new URL(serverUrl());
  url.pathname = `/${database}`;
  const credentials = { email: 'admin@e2e.test', password: `pw-${randomBytes(9).toString('base64url')}` };
  let stack: RunningStack;
  try {
    stack = await startStack({
      databaseUrl: url.toString(),
      ports: { web: await freePort(), engine: await freePort(), simulator: await freePort() },
      secrets: {
        secretsKey: randomBytes(32).toString('hex'),
        whatsappAppSecret: randomBytes(16).toString('hex'),
        whatsappVerifyToken: randomBytes(8).toString('hex'),
        simulatorAccessToken: `sim-${randomBytes(12).toString('hex')}`,
      },
      simulator: true,
      crmSimulators: Object.fromEntries(await Promise.all((options.crmSimulators ?? []).map(async (name) => [name, await freePort()]))),
      admin: credentials,
      ...(options.engineEnv ? { extraEnv: options.engineEnv } : {}),
      quiet: true,
    });
  } catch (error) {
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    throw error;
  }
  return {
    urls: stack.urls,
    admin: credentials,
    phoneNumberId: SIMULATOR_PHONE_NUMBER_ID,
    databaseUrl: url.toString(),
    stop: async () => {
      await stack.stop();
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    },
  };
}
