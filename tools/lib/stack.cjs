// Starts the built product (production builds, never dev servers): the setup
// step (migrations and first admin), the WhatsApp simulator, the engine (one
// process, or api + worker with Redis) and the web app. Used by `npm start`
// and by the browser tests, so both run exactly the same thing.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { repoRoot } = require('./repo.cjs');
const { startService, stopService, waitForHttp } = require('./services.cjs');
const { StartError } = require('./start-error.cjs');

const node = process.execPath;
const engineMain = join(repoRoot, 'apps/engine/dist/main.js');
const engineCli = join(repoRoot, 'apps/engine/dist/cli.js');
const simulatorMain = join(repoRoot, 'apps/wa-simulator/dist/main.js');
const crmSimulatorsMain = join(repoRoot, 'apps/crm-simulators/dist/main.js');
const nextBin = join(repoRoot, 'node_modules/next/dist/bin/next');

const SIMULATOR_PHONE_NUMBER_ID = '100000000001';

/**
 * options: { databaseUrl, redisUrl?, host, ports: { web, engine, simulator },
 *   secrets: { secretsKey, whatsappAppSecret, whatsappVerifyToken, simulatorAccessToken },
 *   simulator: boolean, crmSimulators?: { hubspot?, zoho?, salesforce? } (ports; a missing one is not started),
 *   admin: { email?, password? }, logLevel, quiet, extraEnv }
 */
async function startStack(options) {
  const host = options.host ?? '127.0.0.1';
  const engineUrl = `http://${host}:${options.ports.engine}`;
  const simulatorUrl = `http://${host}:${options.ports.simulator}`;
  const webUrl = `http://${host}:${options.ports.web}`;
  const whatsappEnv = options.simulator
    ? {
        WHATSAPP_API_BASE_URL: simulatorUrl,
        SIMULATOR_URL: simulatorUrl,
        WHATSAPP_APP_SECRET: options.secrets.whatsappAppSecret,
        WHATSAPP_VERIFY_TOKEN: options.secrets.whatsappVerifyToken,
        WHATSAPP_PHONE_NUMBER_ID: SIMULATOR_PHONE_NUMBER_ID,
        WHATSAPP_ACCESS_TOKEN: options.secrets.simulatorAccessToken,
        WHATSAPP_DISPLAY_PHONE_NUMBER: '15550001111',
        WHATSAPP_WABA_ID: '200000000001',
      }
    : {};
  const crmPorts = Object.entries(options.crmSimulators ?? {}).filter(([, port]) => Number.isInteger(port));
  const crmUrls = Object.fromEntries(crmPorts.map(([name, port]) => [name, `http://${host}:${port}`]));
  // The connectors' demo defaults: where the local HubSpot, Zoho CRM and Salesforce answer.
  const crmEnv = Object.fromEntries(Object.entries(crmUrls).map(([name, url]) => [`${name.toUpperCase()}_SIMULATOR_URL`, url]));
  const engineEnv = {
    DATABASE_URL: options.databaseUrl,
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    SECRETS_KEY: options.secrets.secretsKey,
    HOST: host,
    PORT: String(options.ports.engine),
    LOG_LEVEL: options.logLevel ?? 'warn',
    ...whatsappEnv,
    ...crmEnv,
    ...(options.admin?.email ? { ADMIN_EMAIL: options.admin.email } : {}),
    ...(options.admin?.password ? { ADMIN_PASSWORD: options.admin.password } : {}),
    ...options.extraEnv,
  };

  const setup = spawnSync(node, [engineCli, 'setup', '--json'], { cwd: repoRoot, env: { ...process.env, ...engineEnv }, encoding: 'utf8' });
  if (setup.status !== 0) {
    throw new StartError(
      'Setting up the database (migrations, first admin) failed: fix what the lines above report and try again.',
      `${setup.stderr ?? ''}${setup.stdout ?? ''}${setup.error ? setup.error.message : ''}`,
    );
  }
  const setupResult = JSON.parse(setup.stdout.trim().split('\n').pop());

  const services = [];
  const stop = async () => {
    await Promise.all(services.reverse().map((service) => stopService(service)));
  };
  try {
    if (options.simulator) {
      const simulator = startService({
        name: 'simulator',
        command: node,
        args: [simulatorMain],
        cwd: repoRoot,
        quiet: options.quiet,
        env: {
          SIM_HOST: host,
          SIM_PORT: String(options.ports.simulator),
          SIM_WEBHOOK_URL: `${engineUrl}/webhooks/whatsapp`,
          SIM_APP_SECRET: options.secrets.whatsappAppSecret,
          SIM_PHONE_NUMBER_ID: SIMULATOR_PHONE_NUMBER_ID,
          SIM_ACCESS_TOKEN: options.secrets.simulatorAccessToken,
        },
      });
      services.push(simulator);
      await waitForHttp(`${simulatorUrl}/sim/messages`, simulator);
    }
    // The CRM simulators start now and are waited for after the engine, so they add no time to the start.
    let crmReady = Promise.resolve(null);
    if (crmPorts.length > 0) {
      const crm = startService({
        name: 'crm-simulators',
        command: node,
        args: [crmSimulatorsMain],
        cwd: repoRoot,
        quiet: options.quiet,
        env: {
          CRM_SIM_HOST: host,
          CRM_SIMULATORS: crmPorts.map(([name]) => name).join(','),
          ...Object.fromEntries(crmPorts.map(([name, port]) => [`${name.toUpperCase()}_SIM_PORT`, String(port)])),
        },
      });
      services.push(crm);
      crmReady = Promise.all(Object.values(crmUrls).map((url) => waitForHttp(`${url}/sim/state`, crm))).then(
        () => null,
        (error) => error,
      );
    }
    const roles = options.redisUrl ? ['api', 'worker'] : ['all'];
    for (const role of roles) {
      const port = role === 'worker' ? options.ports.engine + 100 : options.ports.engine;
      const engine = startService({
        name: roles.length > 1 ? `engine-${role}` : 'engine',
        command: node,
        args: [engineMain],
        cwd: repoRoot,
        quiet: options.quiet,
        env: { ...engineEnv, ENGINE_ROLE: role, PORT: String(port) },
      });
      services.push(engine);
      await waitForHttp(`http://${host}:${port}/health/ready`, engine);
    }
    const crmError = await crmReady;
    if (crmError) throw crmError;
    const web = startService({
      name: 'web',
      command: node,
      args: [nextBin, 'start', '--port', String(options.ports.web), '--hostname', host],
      cwd: join(repoRoot, 'apps/web'),
      quiet: options.quiet,
      env: { ENGINE_URL: engineUrl, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    });
    services.push(web);
    await waitForHttp(`${webUrl}/login`, web);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    urls: { web: webUrl, engine: engineUrl, simulator: options.simulator ? simulatorUrl : null, crm: crmUrls },
    admin: setupResult.admin,
    services,
    stop,
  };
}

module.exports = { SIMULATOR_PHONE_NUMBER_ID, startStack };
