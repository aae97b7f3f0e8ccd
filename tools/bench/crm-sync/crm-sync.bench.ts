// CRM sync bench: the initial sync of N contacts from each local CRM into a
// real engine (PostgreSQL, the connector over HTTP, the CRM's real rate limits),
// the calls it used against the CRM's limits, then real-time Parley -> CRM lag
// (change written -> outbox item done) at a steady rate of changes.
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

describe('CRM sync bench', () => {
  it('measures initial sync, calls and real-time lag per CRM', async () => {
    const report: Record<string, unknown>[] = [];
    const crms: { name: string; start: () => Promise<Sim>; connection: (url: string) => unknown; generate: Record<string, unknown> }[] = [
      {
        name: 'hubspot',
        // HubSpot's real limits for a private app (190 per 10 s, 650,000 a day); search 5/s.
        start: () => startHubSpotSimulator({ privateAppTokens: ['pat-bench'], searchLagMs: 0 }),
        connection: (url) => ({
          provider: 'hubspot',
          name: 'Bench',
          settings: { baseUrl: url, searchLagMs: 0 },
          secrets: { privateAppToken: 'pat-bench' },
        }),
        generate: {},
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
      },
      {
        name: 'zoho',
        start: () =>
          startZohoSimulator({ oauth: { clientId: 'bench-client', clientSecret: 'bench-secret', refreshTokens: ['bench-refresh'] } }),
        connection: (url) => ({
          provider: 'zoho',
          name: 'Bench',
          settings: { accountsUrl: url },
          secrets: { clientId: 'bench-client', clientSecret: 'bench-secret', refreshToken: 'bench-refresh' },
        }),
        generate: { module: 'Contacts' },
      },
    ];
    for (const crm of crms.filter((c) => only.includes(c.name))) {
      const sim = await crm.start();
      const h = await startEngineHarness({
        env: { CRM_SYNC_INTERVAL_MS: '200', CRM_POLL_INTERVAL_MS: '600000', CRM_OUTBOX_LEASE_MS: '60000' },
      });
      try {
        await post(`${sim.url}/sim/generate`, { count: CONTACTS, countryCode: '39', ...crm.generate });
        const created = await h.workspace.admin.post('/api/crm/connections', crm.connection(sim.url));
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

        // Real time: RATE changes per second for SECONDS, pushed by the runner every 200 ms.
        const ids = (await h.sql(`SELECT contact_id FROM crm_links WHERE connection_id = $1 LIMIT $2`, [connectionId, RATE * SECONDS])).map(
          (r) => str(r['contact_id']),
        );
        const t0 = performance.now();
        for (let i = 0; i < ids.length; i++) {
          const due = t0 + (i * 1000) / RATE;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          await h.dataSource.query(`UPDATE contacts SET first_name = $2 WHERE id = $1`, [ids[i], `Bench${i}`]);
        }
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
          },
        };
        report.push(entry);
        console.log(JSON.stringify({ loadavg: loadavg(), ...entry }));
      } finally {
        await h.close();
        await sim.close();
      }
    }
    console.log(JSON.stringify({ cpus: cpus().length, loadavg: loadavg(), report }, null, 2));
  });
});
