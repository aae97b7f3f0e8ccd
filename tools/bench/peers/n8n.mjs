// n8n under test, in its default regular mode on PostgreSQL (executions saved
// as n8n saves them by default), with the scenario as a workflow imported and
// activated through n8n's CLI before it starts:
//
// Webhook (POST /webhook/whatsapp, raw body kept, answers 200 on receipt) ->
// Crypto (HMAC-SHA256 of the raw body with the app secret) -> IF (signature
// equals X-Hub-Signature-256 and the text contains "price") -> HTTP Request
// (the Cloud API send to the sink). The false branch ends the execution.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createDatabase, databaseUrl, dropDatabase, freePort, log, onCleanup, sleep } from '../engine/bench-lib.mjs';

export const N8N_DATABASE = 'parley_bench_peers_n8n';
// n8n's ids are 16 characters (insights_metadata.workflowId is varchar(16)): a longer one makes every insights flush fail.
const WORKFLOW_ID = 'ParleyPeersPrice';

const MESSAGE = '$json.body.entry[0].changes[0].value.messages[0]';

function workflow(apiVersion) {
  return {
    id: WORKFLOW_ID,
    name: 'WhatsApp price reply',
    active: false,
    settings: { executionOrder: 'v1' },
    connections: {
      Webhook: { main: [[{ node: 'Signature', type: 'main', index: 0 }]] },
      Signature: { main: [[{ node: 'Signed and asks the price', type: 'main', index: 0 }]] },
      'Signed and asks the price': { main: [[{ node: 'Cloud API send', type: 'main', index: 0 }], []] },
    },
    nodes: [
      {
        id: 'a1b2c3d4-0000-4000-8000-000000000001',
        name: 'Webhook',
        type: 'n8n-nodes-base.webhook',
        typeVersion: 2.1,
        position: [0, 0],
        webhookId: 'b7e5f1c2-0000-4000-8000-0000000000aa',
        parameters: { httpMethod: 'POST', path: 'whatsapp', responseMode: 'onReceived', options: { rawBody: true } },
      },
      {
        id: 'a1b2c3d4-0000-4000-8000-000000000002',
        name: 'Signature',
        type: 'n8n-nodes-base.crypto',
        typeVersion: 1,
        position: [220, 0],
        parameters: {
          action: 'hmac',
          type: 'SHA256',
          binaryData: true,
          binaryPropertyName: 'data',
          dataPropertyName: 'signature',
          secret: '={{ $env.WHATSAPP_APP_SECRET }}',
          encoding: 'hex',
        },
      },
      {
        id: 'a1b2c3d4-0000-4000-8000-000000000003',
        name: 'Signed and asks the price',
        type: 'n8n-nodes-base.if',
        typeVersion: 2.2,
        position: [440, 0],
        parameters: {
          conditions: {
            options: { caseSensitive: false, leftValue: '', typeValidation: 'loose', version: 2 },
            conditions: [
              {
                id: 'c0000000-0000-4000-8000-000000000001',
                leftValue: "={{ 'sha256=' + $json.signature }}",
                rightValue: "={{ $json.headers['x-hub-signature-256'] }}",
                operator: { type: 'string', operation: 'equals' },
              },
              {
                id: 'c0000000-0000-4000-8000-000000000002',
                leftValue: `={{ ${MESSAGE}.text.body }}`,
                rightValue: 'price',
                operator: { type: 'string', operation: 'contains' },
              },
            ],
            combinator: 'and',
          },
          looseTypeValidation: true,
          options: { ignoreCase: true },
        },
      },
      {
        id: 'a1b2c3d4-0000-4000-8000-000000000004',
        name: 'Cloud API send',
        type: 'n8n-nodes-base.httpRequest',
        typeVersion: 4.2,
        position: [660, -100],
        parameters: {
          method: 'POST',
          url: `={{ $env.SINK_URL }}/${apiVersion}/{{ $json.body.entry[0].changes[0].value.metadata.phone_number_id }}/messages`,
          sendHeaders: true,
          headerParameters: { parameters: [{ name: 'Authorization', value: '=Bearer {{ $env.WHATSAPP_ACCESS_TOKEN }}' }] },
          sendBody: true,
          specifyBody: 'json',
          jsonBody: `={{ JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to: ${MESSAGE}.from, type: 'text', text: { body: $env.REPLY_TEXT, preview_url: false } }) }}`,
          options: {},
        },
      },
    ],
    pinData: {},
  };
}

/** Starts n8n from `install` (ensureInstalled('n8n')) on a fresh database of `pgUrl`'s server. */
export async function startN8n({ install, pgUrl, sinkUrl, number, replyText, apiVersion, extraEnv = {} }) {
  await dropDatabase(pgUrl, N8N_DATABASE);
  await createDatabase(pgUrl, N8N_DATABASE);
  const db = new URL(databaseUrl(pgUrl, N8N_DATABASE));
  const userFolder = mkdtempSync(join(os.tmpdir(), 'parley-peers-n8n-'));
  const port = await freePort();
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: userFolder,
    N8N_USER_FOLDER: userFolder,
    NODE_ENV: 'production',
    DB_TYPE: 'postgresdb',
    DB_POSTGRESDB_HOST: db.hostname,
    DB_POSTGRESDB_PORT: db.port || '5432',
    DB_POSTGRESDB_DATABASE: N8N_DATABASE,
    DB_POSTGRESDB_USER: decodeURIComponent(db.username || 'postgres'),
    DB_POSTGRESDB_PASSWORD: decodeURIComponent(db.password),
    N8N_PORT: String(port),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1',
    N8N_ENCRYPTION_KEY: createHash('sha256').update('parley peers bench n8n').digest('hex'),
    N8N_LOG_LEVEL: 'warn',
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_HIRING_BANNER_ENABLED: 'false',
    N8N_COMMUNITY_PACKAGES_ENABLED: 'false',
    N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
    N8N_SECURE_COOKIE: 'false',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
    N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
    N8N_DEFAULT_BINARY_DATA_MODE: 'default',
    EXECUTIONS_MODE: 'regular',
    WHATSAPP_APP_SECRET: number.appSecret,
    WHATSAPP_ACCESS_TOKEN: number.accessToken,
    SINK_URL: sinkUrl,
    REPLY_TEXT: replyText,
    ...extraEnv,
  };
  const workflowPath = join(userFolder, 'workflow.json');
  writeFileSync(workflowPath, JSON.stringify([workflow(apiVersion)], null, 2));
  const cli = (args) => {
    const result = spawnSync(process.execPath, [install.entry, ...args], { cwd: install.dir, env, encoding: 'utf8', timeout: 300_000 });
    if (result.status !== 0)
      throw new Error(`n8n ${args.join(' ')} failed (${result.status}): ${result.stderr}${result.stdout}`.slice(0, 4000));
    return result.stdout;
  };
  log('n8n: importing and activating the workflow (each n8n CLI call migrates/boots, ~10-30 s)');
  cli(['import:workflow', `--input=${workflowPath}`]);
  cli(['update:workflow', `--id=${WORKFLOW_ID}`, '--active=true']);

  const logPath = join(userFolder, 'n8n.log');
  const out = createWriteStream(logPath);
  const child = spawn(process.execPath, [install.entry, 'start'], { cwd: install.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (alive()) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };
  onCleanup(stop);

  // n8n answers /healthz/readiness before it has activated the workflows; the production webhook is there once a
  // GET of it is refused as "not registered for GET requests. Did you mean to make a POST request?" (a POST would run it).
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (!alive()) throw new Error(`n8n exited at start; log ${logPath}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/webhook/whatsapp`);
      if (/registered for GET requests.*POST/.test(await res.text())) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`n8n's webhook was not registered within 180 s; log ${logPath}`);
    await sleep(500);
  }
  log(`n8n ${install.version} up: pid ${child.pid}, port ${port}, folder ${userFolder}, database ${N8N_DATABASE}`);
  return {
    name: 'n8n',
    label: `n8n ${install.version}`,
    target: { host: '127.0.0.1', port, path: '/webhook/whatsapp' },
    database: N8N_DATABASE,
    pids: () => [child.pid],
    alive,
    logs: [logPath],
    details: {
      userFolder,
      database: N8N_DATABASE,
      mode: 'regular (one process), executions saved (defaults)',
      /** Settings given on top of n8n's defaults. */
      env: extraEnv,
      workflow: 'Webhook (raw body, respond on receipt) -> Crypto (HMAC-SHA256) -> IF (signature, "price") -> HTTP Request',
    },
    stop,
  };
}
