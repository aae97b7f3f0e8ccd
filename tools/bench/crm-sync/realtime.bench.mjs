// Real-time CRM sync at a steady rate, with the engine, the local CRM and the bench's client each in a process
// of its own (crm-sync.bench.ts keeps all three in one Node process, which capped it at 151-177 writes/s).
//
// Per CRM: a fresh bench database, the local CRM (crm-process.mjs) at its real limits seeded with --contacts, the
// built engine (apps/engine/dist/main.js, ENGINE_ROLE=all, the sync round every 200 ms, polling every 1 s) connected
// to it through the API, the initial read left to the engine's own round; then
//   Parley -> CRM: --rate contact updates a second for --seconds, written by this process straight to PostgreSQL
//     (as the webhook, the API or a flow would); lag = outbox changed_at -> done_at;
//   CRM -> Parley: --rate edits a second in the CRM's own screen (/sim/ui), to other records; lag = edit sent ->
//     the contact's updated_at. HubSpot by signed webhooks, Zoho by its notification channel, Salesforce by polling.
//
//   node tools/bench/crm-sync/realtime.bench.mjs [--crms=hubspot,salesforce,zoho] [--rate=200] [--seconds=5]
//     [--contacts=2000] [--port=4140] [--db=parley_bench_crmsync] [--keep]
// (--port: the first of three ports: CRM, engine, and one spare; --keep leaves the databases.)
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  apiLogin,
  createDatabase,
  databaseExists,
  databaseUrl,
  DEFAULT_PG,
  dropDatabase,
  engineEnv,
  engineSetup,
  log,
  onCleanup,
  parseOptions,
  run,
  sleep,
  startEngine,
  waitUntilReady,
} from '../engine/bench-lib.mjs';

const USAGE =
  'node tools/bench/crm-sync/realtime.bench.mjs [--crms=hubspot,salesforce,zoho] [--rate=200] [--seconds=5] [--contacts=2000] [--port=4140] [--db=parley_bench_crmsync] [--keep] [--poll-ms=1000] [--sf-poll-ms=0]';
const o = parseOptions(
  {
    crms: 'hubspot,salesforce,zoho',
    rate: 200,
    seconds: 5,
    contacts: 2000,
    port: 4140,
    db: 'parley_bench_crmsync',
    keep: false,
    'poll-ms': 1000,
    'sf-poll-ms': 0,
  },
  USAGE,
);

const CRMS = {
  hubspot: {
    // HubSpot's real private-app limits (190 per 10 s, 650,000 a day); webhooks for UI changes only, as a real app.
    options: {
      privateAppTokens: ['pat-bench'],
      searchLagMs: 0,
      webhooks: { clientSecret: 'bench-app-secret', batchWindowMs: 100, includeApiChanges: false },
    },
    connection: (url) => ({
      provider: 'hubspot',
      name: 'Bench',
      settings: { baseUrl: url, searchLagMs: 0 },
      secrets: { privateAppToken: 'pat-bench', clientSecret: 'bench-app-secret' },
    }),
    generate: {},
    edit: (name) => ({ properties: { firstname: name } }),
  },
  salesforce: {
    options: { oauth: { clientId: 'bench-client', clientSecret: 'bench-secret', refreshTokens: ['bench-refresh'] } },
    connection: (url) => ({
      provider: 'salesforce',
      name: 'Bench',
      settings: { loginUrl: url, ...(Number(o['sf-poll-ms']) > 0 ? { pollIntervalMs: Number(o['sf-poll-ms']) } : {}) },
      secrets: { clientId: 'bench-client', clientSecret: 'bench-secret', refreshToken: 'bench-refresh' },
    }),
    generate: { sobject: 'Contact' },
    edit: (name) => ({ fields: { FirstName: name } }),
  },
  zoho: {
    options: {
      oauth: { clientId: 'bench-client', clientSecret: 'bench-secret', refreshTokens: ['bench-refresh'] },
      notifications: { batchWindowMs: 100 },
    },
    connection: (url, engineUrl) => ({
      provider: 'zoho',
      name: 'Bench',
      settings: { accountsUrl: url, notifyBaseUrl: engineUrl },
      secrets: { clientId: 'bench-client', clientSecret: 'bench-secret', refreshToken: 'bench-refresh' },
    }),
    generate: { module: 'Contacts' },
    edit: (name) => ({ fields: { First_Name: name } }),
  },
};

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

const seconds = (ms) => Math.round(ms) / 1000;

/** Starts crm-process.mjs; resolves with its URL once it listens. */
function startCrm(name, port) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('./crm-process.mjs', import.meta.url)), name, String(port), JSON.stringify(CRMS[name].options)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  onCleanup(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n'))
        resolve({ url: JSON.parse(line).url, pid: child.pid, stop: async () => (child.kill('SIGTERM'), await exited) });
    });
    child.once('exit', (code) => reject(new Error(`${name} CRM process exited (${code})`)));
  });
}

/** One edit in the CRM's screen; a reset socket is sent again (its lag still counts from the first try). */
async function uiEdit(url, body) {
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await fetch(url, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body });
      await answer.arrayBuffer();
      if (answer.status >= 400) throw new Error(`edit ${url}: ${answer.status}`);
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      await sleep(100 * attempt);
    }
  }
}

async function measure(name, index) {
  const crm = CRMS[name];
  const db = `${o.db}_${name}`;
  if (await databaseExists(DEFAULT_PG, db)) await dropDatabase(DEFAULT_PG, db);
  await createDatabase(DEFAULT_PG, db);
  const url = databaseUrl(DEFAULT_PG, db);
  engineSetup(url);
  const crmPort = Number(o.port) + 3 * index;
  const enginePort = crmPort + 1;
  const sim = await startCrm(name, crmPort);
  const engineUrl = `http://127.0.0.1:${enginePort}`;
  const engine = startEngine(
    `crm-${name}`,
    engineEnv(url, null, {
      PORT: String(enginePort),
      ENGINE_ROLE: 'all',
      LOG_LEVEL: 'warn',
      CRM_SYNC_INTERVAL_MS: '200',
      CRM_POLL_INTERVAL_MS: String(o['poll-ms']),
      CRM_OUTBOX_LEASE_MS: '60000',
    }),
  );
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  try {
    await waitUntilReady(engineUrl, engine);
    const api = await apiLogin(engineUrl);
    const generated = await fetch(`${sim.url}/sim/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: o.contacts, countryCode: '39', ...crm.generate }),
    });
    if (!generated.ok) throw new Error(`generate: ${generated.status}`);
    const created = await api.post('/api/crm/connections', crm.connection(sim.url, engineUrl));
    if (created.status !== 201) throw new Error(`connecting ${name}: ${created.status} ${JSON.stringify(created.body)}`);
    const connectionId = created.body.id;
    const started = Date.now();
    for (;;) {
      const { rows } = await pool.query(`SELECT cursor->>'phase' AS phase FROM crm_connections WHERE id = $1`, [connectionId]);
      if (rows[0]?.phase === 'incremental') break;
      if (Date.now() - started > 1_800_000) throw new Error('initial read not done in 30 minutes');
      await sleep(250);
    }
    const initialMs = Date.now() - started;
    const linked = Number(
      (await pool.query(`SELECT count(*)::int AS n FROM crm_links WHERE connection_id = $1`, [connectionId])).rows[0].n,
    );
    // The calls the initial read used, against the CRM's limits (before the real-time phases add theirs).
    const initialLimits = await (await fetch(`${sim.url}/sim/state`)).json();
    log(
      `${name}: initial read of ${linked} in ${seconds(initialMs)} s; load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; calls ${JSON.stringify(initialLimits.usage ?? initialLimits.limits ?? null)}`,
    );
    if (name === 'hubspot') {
      await fetch(`${sim.url}/sim/webhooks`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ targetUrl: `${engineUrl}/webhooks/hubspot/${connectionId}` }),
      });
    }
    // Let the engine settle after the initial read (its last pages, the Zoho channel's subscription).
    await sleep(3000);
    const total = Number(o.rate) * Number(o.seconds);
    const links = (
      await pool.query(`SELECT contact_id, remote_type, remote_id FROM crm_links WHERE connection_id = $1 ORDER BY remote_id LIMIT $2`, [
        connectionId,
        2 * total,
      ])
    ).rows;
    if (links.length < 2 * total) throw new Error(`only ${links.length} linked contacts; need ${2 * total} (raise --contacts)`);

    // Parley -> CRM.
    const loadBefore = loadavg()[0];
    const writes = [];
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const wait = t0 + (i * 1000) / Number(o.rate) - performance.now();
      if (wait > 0) await sleep(wait);
      writes.push(pool.query(`UPDATE contacts SET first_name = $2 WHERE id = $1`, [links[i].contact_id, `Bench${i}`]));
    }
    await Promise.all(writes);
    const writeRate = total / ((performance.now() - t0) / 1000);
    for (let i = 0; i < 240; i++) {
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n FROM crm_outbox WHERE connection_id = $1 AND status IN ('pending', 'running')`,
        [connectionId],
      );
      if (rows[0].n === 0) break;
      await sleep(500);
    }
    const pushLags = (
      await pool.query(
        `SELECT extract(epoch FROM (done_at - changed_at)) * 1000 AS ms FROM crm_outbox WHERE connection_id = $1 AND status = 'done' AND kind = 'contact.fields'`,
        [connectionId],
      )
    ).rows.map((r) => Number(r.ms));
    const notDone = Number(
      (await pool.query(`SELECT count(*)::int AS n FROM crm_outbox WHERE connection_id = $1 AND status <> 'done'`, [connectionId])).rows[0]
        .n,
    );
    // What reached the CRM: every written name, read back from the CRM itself.
    const loadMid = loadavg()[0];

    // CRM -> Parley, to the next `total` records.
    const remotes = links.slice(total, 2 * total);
    const sentAt = new Map();
    const edits = new Set();
    const u0 = performance.now();
    for (let i = 0; i < remotes.length; i++) {
      const remote = remotes[i];
      const wait = u0 + (i * 1000) / Number(o.rate) - performance.now();
      if (wait > 0) await sleep(wait);
      sentAt.set(remote.contact_id, Date.now());
      const edit = uiEdit(`${sim.url}/sim/ui/${remote.remote_type}/${remote.remote_id}`, JSON.stringify(crm.edit(`Remote${i}`))).finally(
        () => edits.delete(edit),
      );
      edits.add(edit);
    }
    await Promise.all(edits);
    const editRate = remotes.length / ((performance.now() - u0) / 1000);
    const ids = remotes.map((r) => r.contact_id);
    const arrived = async () =>
      (
        await pool.query(
          `SELECT id, (extract(epoch FROM updated_at) * 1000)::float8 AS at FROM contacts WHERE id = ANY($1::uuid[]) AND first_name LIKE 'Remote%'`,
          [ids],
        )
      ).rows;
    let landed = await arrived();
    for (let i = 0; i < 240 && landed.length < remotes.length; i++) {
      await sleep(500);
      landed = await arrived();
    }
    const pullLags = landed.map((r) => Number(r.at) - sentAt.get(r.id));
    const state = await (await fetch(`${sim.url}/sim/state`)).json();
    const entry = {
      crm: name,
      linked,
      initialSeconds: seconds(initialMs),
      initialLimits: initialLimits.usage ?? initialLimits.limits ?? null,
      toCrm: {
        changes: total,
        writeRate: Math.round(writeRate),
        done: pushLags.length,
        notDone,
        p50: seconds(quantile(pushLags, 0.5)),
        p99: seconds(quantile(pushLags, 0.99)),
        max: seconds(Math.max(...pushLags)),
      },
      toParley: {
        changes: remotes.length,
        editRate: Math.round(editRate),
        arrived: landed.length,
        p50: seconds(quantile(pullLags, 0.5)),
        p99: seconds(quantile(pullLags, 0.99)),
        max: seconds(Math.max(...pullLags)),
      },
      limits: state.usage ?? state.limits ?? null,
      load: { before: loadBefore, between: loadMid, after: loadavg()[0] },
    };
    process.stdout.write(`${JSON.stringify(entry)}\n`);
    return entry;
  } finally {
    await pool.end();
    await engine.stop();
    await sim.stop();
    if (!o.keep) await dropDatabase(DEFAULT_PG, db);
  }
}

run(async () => {
  const names = String(o.crms).split(',');
  for (const name of names) if (!CRMS[name]) throw new Error(`unknown CRM ${name}`);
  const report = [];
  for (const [index, name] of names.entries()) report.push(await measure(name, index));
  log(JSON.stringify(report, null, 2));
});
