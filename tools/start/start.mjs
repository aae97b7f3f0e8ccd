// `npm start`: install what is missing, build, start PostgreSQL (embedded
// unless DATABASE_URL is set), migrate, and run the engine, the web app and
// the WhatsApp simulator on production builds. Ctrl-C stops everything. Any
// failure ends with one sentence saying what to do (tools/lib/start-error.cjs).
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

// The helpers are CommonJS so the Jest browser tests can load them too.
const require = createRequire(import.meta.url);
const { StartError, exitWithFailure, failureText } = require('../lib/start-error.cjs');
const { ensureInstalled } = require('../lib/install.cjs');
const { dataDir, repoRoot } = require('../lib/repo.cjs');

const COMMAND = 'npm start';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  exitWithFailure(
    new StartError(
      `Parley needs Node.js 20.19 or newer (this is ${process.versions.node}): install a newer Node.js and run npm start again.`,
    ),
    COMMAND,
  );
}

function port(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new StartError(`${name} must be a port number between 1 and 65535 (got "${raw}"): fix it and run npm start again.`);
  }
  return value;
}

/** A path as the person reads it: relative to the clone when inside it. */
function shown(path) {
  const inside = relative(repoRoot, path);
  return inside && !inside.startsWith('..') ? inside : path;
}

async function main() {
  ensureInstalled();
  const { buildAll } = require('../lib/build.cjs');
  const { freePort, portIsFree } = require('../lib/free-port.cjs');
  const { loadLocalSecrets } = require('../lib/local-secrets.cjs');
  const { startEmbeddedPostgres } = require('../lib/embedded-postgres.cjs');
  const { embeddedDataDir } = require('../lib/postgres-data-dir.cjs');
  const { postgresRunner } = require('../lib/postgres-runner.cjs');
  const { startStack } = require('../lib/stack.cjs');

  console.log('Building (production)...');
  buildAll();

  const ports = { web: port('WEB_PORT', 3000), engine: port('ENGINE_PORT', 3001), simulator: port('SIM_PORT', 3002) };
  // CRM_SIMULATORS=off (or a list such as "hubspot,zoho") chooses which local CRMs run.
  const crmChoice = (process.env.CRM_SIMULATORS ?? 'hubspot,zoho,salesforce').toLowerCase();
  const crmDefaults = { hubspot: ['HUBSPOT_SIM_PORT', 3003], zoho: ['ZOHO_SIM_PORT', 3004], salesforce: ['SALESFORCE_SIM_PORT', 3005] };
  const crmSimulators = {};
  for (const [name, [variable, fallback]] of Object.entries(crmDefaults)) {
    if (
      crmChoice !== 'off' &&
      crmChoice
        .split(',')
        .map((part) => part.trim())
        .includes(name)
    )
      crmSimulators[name] = port(variable, fallback);
  }
  const redisUrl = process.env.REDIS_URL || undefined;
  const wanted = [
    ['WEB_PORT', ports.web],
    ['ENGINE_PORT', ports.engine],
    ...(redisUrl ? [['ENGINE_PORT + 100 (worker health)', ports.engine + 100]] : []),
  ];
  const realMeta = Boolean(process.env.WHATSAPP_ACCESS_TOKEN && process.env.WHATSAPP_APP_SECRET);
  if (!realMeta) wanted.push(['SIM_PORT', ports.simulator]);
  for (const [name, value] of Object.entries(crmSimulators)) wanted.push([crmDefaults[name][0], value]);
  for (const [name, value] of wanted) {
    if (!(await portIsFree(value))) {
      throw new StartError(`Port ${value} (${name}) is in use: stop what uses it or set ${name.split(' ')[0]} to another port.`);
    }
  }

  const secrets = loadLocalSecrets(dataDir);
  if (process.env.SECRETS_KEY) secrets.secretsKey = process.env.SECRETS_KEY;

  let database = null;
  let databaseWhere = 'DATABASE_URL';
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    let pgPort = port('EMBEDDED_PG_PORT', 54329);
    if (!(await portIsFree(pgPort))) {
      const other = await freePort();
      console.log(`Port ${pgPort} is taken; embedded PostgreSQL uses ${other} instead (set EMBEDDED_PG_PORT to choose).`);
      pgPort = other;
    }
    const runner = postgresRunner();
    const pgData = embeddedDataDir({ repoRoot, dataDir, runner });
    const local = join(dataDir, 'postgres');
    databaseWhere = `embedded PostgreSQL, data in ${shown(pgData)}${pgData === local ? '' : ` (linked from ${shown(local)})`}`;
    console.log(`Starting ${databaseWhere}...`);
    database = await startEmbeddedPostgres({
      dataDir: pgData,
      port: pgPort,
      password: secrets.postgresPassword,
      database: 'parley',
      runner,
    });
    databaseUrl = database.url;
  }

  let stack = null;
  let stopping = false;
  // Stops what runs; a failure is printed last, so the last line says what to do.
  const shutdown = async (code, failure) => {
    if (stopping) return;
    stopping = true;
    if (!failure) console.log('\nStopping Parley...');
    await stack?.stop().catch(() => {});
    await database?.stop().catch(() => {});
    if (failure) process.stderr.write(`${failureText(failure, COMMAND)}\n`);
    else console.log('Stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    stack = await startStack({
      databaseUrl,
      redisUrl,
      host: process.env.HOST || '127.0.0.1',
      ports,
      secrets: {
        ...secrets,
        whatsappAppSecret: process.env.WHATSAPP_APP_SECRET || secrets.whatsappAppSecret,
        whatsappVerifyToken: process.env.WHATSAPP_VERIFY_TOKEN || secrets.whatsappVerifyToken,
      },
      simulator: !realMeta,
      crmSimulators,
      admin: { email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD },
      logLevel: process.env.LOG_LEVEL || 'warn',
    });
  } catch (error) {
    await shutdown(1, error);
    return;
  }
  for (const service of stack.services) {
    service.exited.then(({ code, signal }) => {
      if (stopping) return;
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      void shutdown(
        1,
        new StartError(`The ${service.name} stopped unexpectedly (${how}): fix what its last lines above report and run npm start again.`),
      );
    });
  }

  const lines = [
    '',
    'Parley is running.',
    `  Web app:             ${stack.urls.web}`,
    `  API and its docs:    ${stack.urls.engine}/api/docs (sign in first)`,
    `  WhatsApp webhook:    ${stack.urls.engine}/webhooks/whatsapp`,
  ];
  if (stack.urls.simulator) {
    lines.push(`  WhatsApp simulator:  ${stack.urls.simulator} (stands in for Meta; no real messages leave this machine)`);
  }
  const crmLabels = { hubspot: 'HubSpot', zoho: 'Zoho CRM', salesforce: 'Salesforce' };
  for (const [name, url] of Object.entries(stack.urls.crm)) {
    lines.push(`  ${`${crmLabels[name]} simulator:`.padEnd(21)}${url} (local stand-in; see docs/CRM-SIMULATORS.md)`);
  }
  lines.push(`  Database:            ${databaseWhere}`);
  lines.push(`  Work dispatch:       ${redisUrl ? 'BullMQ on REDIS_URL (api and worker processes)' : 'in-process'}`);
  if (stack.admin.created && stack.admin.generated) {
    lines.push('', `  Sign in as ${stack.admin.email} with password ${stack.admin.password}`);
    lines.push('  (generated now and shown only this once; set ADMIN_PASSWORD to choose it)');
  } else if (stack.admin.created) {
    lines.push('', `  Sign in as ${stack.admin.email} with the password in ADMIN_PASSWORD.`);
  } else {
    lines.push('', '  Sign in with the admin account created on the first start.');
  }
  lines.push('', 'Press Ctrl-C to stop.');
  console.log(lines.join('\n'));
}

main().catch((error) => exitWithFailure(error, COMMAND));
