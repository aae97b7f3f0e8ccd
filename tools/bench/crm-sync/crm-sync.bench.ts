// CRM sync bench: the initial sync of N contacts from each local CRM into a
// real engine (PostgreSQL, the connector over HTTP, the CRM's real rate limits),
// the calls it used against the CRM's limits, then real-time Parley -> CRM lag
// (change written -> outbox item done) at a steady rate of changes, and real-time
// CRM -> Parley lag (edit in the CRM's screen -> contact updated in Parley) at
// the same rate: HubSpot by its signed webhooks, Zoho by its notifications,
// Salesforce by polling every second.
//
//   BENCH_CONTACTS=5000 BENCH_RATE=50 BENCH_SECONDS=10 DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> \
//     npx jest --config tools/bench/crm-sync/jest.config.js
import { startHubSpotSimulator, startSalesforceSimulator, startZohoSimulator } from '@parley/crm-simulators';
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { startEngineHarness } from '../../../apps/engine/src/test-support/engine-harness';
import { obj, str } from '../../../apps/engine/src/test-support/json';
import { CrmSyncService } from '../../../apps/engine/src/crm/sync/crm-sync.service';

const CONTACTS = Number(process.env['BENCH_CONTACTS'] ?? 5000);
const RATE = Number(process.env['BENCH_RATE'] ?? 50);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const only = (process.env['BENCH_CRMS'] ?? 'hubspot,salesforce,zoho').split(',');

interface Sim {
  url: string;
  close(): Promise<void>;
}

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return response.json();
}

function p(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/**
 * One edit in the CRM's own screen. On a loaded machine the local server sometimes resets a socket
 * (ECONNRESET) before reading the request: the edit is sent again (a few times), its lag still counted from the first try.
 */
async function uiEdit(url: string, body: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await fetch(url, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body });
      await answer.arrayBuffer();
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

describe('CRM sync bench', () => {
  it('measures initial sync, calls and real-time lag per CRM', async () => {
    const report: Record<string, unknown>[] = [];
    const crms: {
      name: string;
      start: () => Promise<Sim>;
      connection: (url: string, engineUrl: string) => unknown;
      generate: Record<string, unknown>;
      /** A person's edit of the first name in the CRM's own screen. */
      uiEdit: (name: string) => unknown;
    }[] = [
      {
        name: 'hubspot',
        // HubSpot's real limits for a private app (190 per 10 s, 650,000 a day); search 5/s.
        // Webhooks signed with the app's secret bring HubSpot's changes (only UI changes, as a real app subscribed to contacts).
        start: () =>
          startHubSpotSimulator({
            privateAppTokens: ['pat-bench'],
            searchLagMs: 0,
            webhooks: { clientSecret: 'bench-app-secret', batchWindowMs: 100, includeApiChanges: false },
          }),
        connection: (url) => ({
          provider: 'hubspot',
          name: 'Bench',
          settings: { baseUrl: url, searchLagMs: 0 },
          secrets: { privateAppToken: 'pat-bench', clientSecret: 'bench-app-secret' },
        }),
        generate: {},
        uiEdit: (name) => ({ properties: { firstname: name } }),
      },
      {
        name: 'salesforce',
        start: () =>
          startSalesforceSimulator({ oauth: { clientId: 'bench-client', clientSecret: 'bench-secret', refreshTokens: ['bench-refresh'] } }),
        connection: (url) => ({
          provider: 'salesforce',
          name: 'Bench',
          settings: { loginUrl: url },
          secrets: { clientId: 'bench-client', clientSecret: 'bench-secret', refreshToken: 'bench-refresh' },
        }),
        generate: { sobject: 'Contact' },
        uiEdit: (name) => ({ fields: { FirstName: name } }),
      },
      {
        name: 'zoho',
        start: () =>
          startZohoSimulator({
            oauth: { clientId: 'bench-client', clientSecret: 'bench-secret', refreshTokens: ['bench-refresh'] },
            notifications: { batchWindowMs: 100 },
          }),
        // Notifications come to the engine's own address.
        connection: (url, engineUrl) => ({
          provider: 'zoho',
          name: 'Bench',
          settings: { accountsUrl: url, notifyBaseUrl: engineUrl },
          secrets: { clientId: 'bench-client', clientSecret: 'bench-secret', refreshToken: 'bench-refresh' },
        }),
        generate: { module: 'Contacts' },
        uiEdit: (name) => ({ fields: { First_Name: name } }),
      },
    ];
    for (const crm of crms.filter((c) => only.includes(c.name))) {
      const sim = await crm.start();
      const h = await startEngineHarness({
        // Polled every second: Salesforce's only change feed here (HubSpot and Zoho also call the engine).
        env: { CRM_SYNC_INTERVAL_MS: '200', CRM_POLL_INTERVAL_MS: '1000', CRM_OUTBOX_LEASE_MS: '60000' },
      });
      try {
        await post(`${sim.url}/sim/generate`, { count: CONTACTS, countryCode: '39', ...crm.generate });
        const created = await h.workspace.admin.post('/api/crm/connections', crm.connection(sim.url, h.url));
        if (created.status !== 201) throw new Error(`connecting ${crm.name}: ${created.status} ${JSON.stringify(created.body)}`);
        const connectionId = str(obj(created.body)['id']);
        const sync = h.app.get(CrmSyncService);
        const started = performance.now();
        // The runner only pushes (poll interval is long); the bench drives the initial read itself.
        for (let round = 0; round < 100_000; round++) {
          await sync.run(connectionId, { forcePull: true, maxPages: 20 });
          const [row] = await h.sql(`SELECT cursor->>'phase' AS phase FROM crm_connections WHERE id = $1`, [connectionId]);
          if (row?.['phase'] === 'incremental') break;
        }
        const initialMs = performance.now() - started;
        const linked = Number((await h.sql(`SELECT count(*)::int AS n FROM crm_links WHERE connection_id = $1`, [connectionId]))[0]?.['n']);
        const state = obj(await (await fetch(`${sim.url}/sim/state`)).json());
        // Printed at once with the calls used: a run stopped in a later phase still leaves the initial sync's figures.
        process.stdout.write(
          `${JSON.stringify({ crm: crm.name, linked, initialSeconds: Math.round(initialMs / 1000), limits: state['usage'] ?? state['limits'] ?? null, loadavg: loadavg() })}\n`,
        );

        // Real time: RATE changes per second for SECONDS, pushed by the runner every 200 ms.
        const ids = (
          await h.sql(`SELECT contact_id FROM crm_links WHERE connection_id = $1 ORDER BY remote_id LIMIT $2`, [
            connectionId,
            RATE * SECONDS,
          ])
        ).map((r) => str(r['contact_id']));
        const t0 = performance.now();
        const writes: Promise<unknown>[] = [];
        for (let i = 0; i < ids.length; i++) {
          const due = t0 + (i * 1000) / RATE;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          // Not awaited one by one: at 200/s a statement taking longer than 5 ms would slow the rate asked for.
          writes.push(h.dataSource.query(`UPDATE contacts SET first_name = $2 WHERE id = $1`, [ids[i], `Bench${i}`]));
        }
        await Promise.all(writes);
        const pushRate = ids.length / ((performance.now() - t0) / 1000);
        for (let i = 0; i < 600; i++) {
          const [left] = await h.sql(
            `SELECT count(*)::int AS n FROM crm_outbox WHERE connection_id = $1 AND status IN ('pending', 'running')`,
            [connectionId],
          );
          if (Number(left?.['n']) === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        const lags = (
          await h.sql(
            `SELECT extract(epoch FROM (done_at - changed_at)) * 1000 AS ms FROM crm_outbox WHERE connection_id = $1 AND status = 'done'`,
            [connectionId],
          )
        ).map((r) => Number(r['ms']));
        const failed = Number(
          (await h.sql(`SELECT count(*)::int AS n FROM crm_outbox WHERE connection_id = $1 AND status <> 'done'`, [connectionId]))[0]?.[
            'n'
          ],
        );
        process.stdout.write(
          `${JSON.stringify({ crm: crm.name, pushDone: lags.length, pushNotDone: failed, pushP50: Math.round(p(lags, 0.5)), pushP99: Math.round(p(lags, 0.99)), pushMax: Math.round(Math.max(...lags)), pushRate: Math.round(pushRate), limits: state['usage'] ?? state['limits'] ?? null, loadavg: loadavg() })}\n`,
        );
        // CRM -> Parley: RATE edits per second made in the CRM's own screen, to records the push phase did not touch.
        if (crm.name === 'hubspot') {
          await fetch(`${sim.url}/sim/webhooks`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ targetUrl: `${h.url}/webhooks/hubspot/${connectionId}` }),
          });
        }
        const remotes = (
          await h.sql(
            `SELECT contact_id, remote_type, remote_id FROM crm_links WHERE connection_id = $1 ORDER BY remote_id OFFSET $2 LIMIT $3`,
            [connectionId, RATE * SECONDS, RATE * SECONDS],
          )
        ).map((r) => ({ contactId: str(r['contact_id']), type: str(r['remote_type']), id: str(r['remote_id']) }));
        const sentAt = new Map<string, number>();
        const edits: Promise<unknown>[] = [];
        const u0 = performance.now();
        for (let i = 0; i < remotes.length; i++) {
          const remote = remotes[i];
          if (!remote) continue;
          const wait = u0 + (i * 1000) / RATE - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          sentAt.set(remote.contactId, Date.now());
          // At most 50 edits in flight: a local server refuses a thousand sockets at once (ECONNRESET).
          if (edits.length >= 50) await edits.shift();
          edits.push(uiEdit(`${sim.url}/sim/ui/${remote.type}/${remote.id}`, JSON.stringify(crm.uiEdit(`Remote${i}`))));
        }
        await Promise.all(edits);
        const pullRate = remotes.length / ((performance.now() - u0) / 1000);
        const arrived = async () =>
          (
            await h.sql(
              `SELECT id, (extract(epoch FROM updated_at) * 1000)::float8 AS at FROM contacts WHERE id = ANY($1::uuid[]) AND first_name LIKE 'Remote%'`,
              [remotes.map((r) => r.contactId)],
            )
          ).map((r) => ({ id: str(r['id']), at: Number(r['at']) }));
        let landed = await arrived();
        for (let i = 0; i < 240 && landed.length < remotes.length; i++) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          landed = await arrived();
        }
        const pullLags = landed.map((r) => r.at - (sentAt.get(r.id) ?? r.at));
        const entry = {
          crm: crm.name,
          contacts: CONTACTS,
          linked,
          initialSeconds: Math.round(initialMs / 100) / 10,
          contactsPerSecond: Math.round(linked / (initialMs / 1000)),
          limits: state['usage'] ?? state['limits'] ?? null,
          realtime: {
            changes: ids.length,
            ratePerSecond: RATE,
            done: lags.length,
            notDone: failed,
            p50ms: Math.round(p(lags, 0.5)),
            p99ms: Math.round(p(lags, 0.99)),
            maxMs: Math.round(Math.max(...lags)),
            achievedRate: Math.round(pushRate),
          },
          crmToParley: {
            changes: remotes.length,
            achievedRate: Math.round(pullRate),
            arrived: landed.length,
            p50ms: Math.round(p(pullLags, 0.5)),
            p99ms: Math.round(p(pullLags, 0.99)),
            maxMs: Math.round(Math.max(...pullLags)),
          },
        };
        report.push(entry);
        // Written straight to stdout as each CRM finishes (Jest holds console output until the end of the run).
        process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), loadavg: loadavg(), ...entry })}\n`);
      } finally {
        await h.close();
        await sim.close();
      }
    }
    console.log(JSON.stringify({ cpus: cpus().length, loadavg: loadavg(), report }, null, 2));
  });
});
