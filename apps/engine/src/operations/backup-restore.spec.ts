import type { INestApplication } from '@nestjs/common';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadEngineConfig } from '../config/engine-config';
import { createEngineApp } from '../create-engine-app';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { obj, str } from '../test-support/json';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database';
import { Client } from 'pg';

/** Starting an engine with its own database takes longer than a test's 30 s on a loaded machine. */
const STARTUP_MS = 120_000;

const ROOT = join(__dirname, '..', '..', '..', '..');
const secretsShape = z.object({ secretsKey: z.string() });

function npmScript(script: 'backup.mjs' | 'restore.mjs', args: string[], env: Record<string, string>): string {
  const result = spawnSync(process.execPath, [join(ROOT, 'tools', 'backup', script), ...args], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${script} failed (${result.status}): ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** An empty database (no tables), as a fresh installation's would be. */
async function emptyDatabase(): Promise<TestDatabase & { url: string }> {
  const migrated = await createTestDatabase();
  const client = new Client({ connectionString: migrated.url });
  await client.connect();
  await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  await client.end();
  return migrated;
}

/**
 * `npm run backup` of a database with live data (a published flow, a
 * customer's conversation, an execution, a sealed WhatsApp token), restored
 * into an empty database with `npm run restore`, then an engine on the
 * restored copy answers the next customer message: the flow, the number and
 * the secrets key all came back. Both methods: pg_dump (when a pg_dump as new
 * as the server exists) and the one-snapshot table dump.
 */
describe.each(['pg_dump', 'snapshot'] as const)('backup and restore (%s)', (method) => {
  let h: EngineHarness;
  let dir: string;
  let restored: TestDatabase | null = null;
  let engine: INestApplication | null = null;

  beforeAll(async () => {
    h = await startEngineHarness();
    dir = mkdtempSync(join(tmpdir(), 'parley-backup-test-'));
  }, STARTUP_MS);

  afterAll(async () => {
    await engine?.close();
    await h.close();
    await restored?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores a backup into an empty database, and a flow runs on it', async () => {
    const created = await h.workspace.admin.post('/api/flows', { name: 'Prices', definition: priceReplyFlow('Prices start at 10 EUR.') });
    const flowId = str(obj(created.body)['id']);
    expect((await h.workspace.admin.post(`/api/flows/${flowId}/publish`)).status).toBe(201);
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393337770001', text: 'price please' });
    await h.settle();
    expect(await h.count('executions', `flow_id = $1 AND status = 'succeeded'`, [flowId])).toBe(1);

    const secrets = join(dir, 'secrets.json');
    writeFileSync(secrets, JSON.stringify({ secretsKey: h.config.SECRETS_KEY.toString('hex') }), { mode: 0o600 });
    const out = join(dir, 'backup');
    const pgDumpUsable = spawnSync('pg_dump', ['--version']).status === 0;
    const args = ['--out', out, '--secrets', secrets, ...(method === 'snapshot' ? ['--method', 'snapshot'] : [])];
    const said = npmScript('backup.mjs', args, { DATABASE_URL: h.db.url });
    const manifest = obj(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')));
    // pg_dump is used when there is one as new as the server; otherwise the snapshot dump, and it says so.
    expect(manifest['method']).toEqual(method === 'pg_dump' && pgDumpUsable ? expect.stringMatching(/pg_dump|snapshot/) : 'snapshot');
    expect(said).toContain('Backup done');
    expect(obj(manifest['counts'])).toMatchObject({ executions: 1, contacts: 1, messages: 2 });
    // The secrets stay private to their owner.
    expect(statSync(join(out, 'secrets.json')).mode & 0o077).toBe(0);

    // Changes after the backup are not in it.
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393337770002', text: 'price please' });
    await h.settle();

    restored = await emptyDatabase();
    const restoredSecrets = join(dir, 'restored-secrets.json');
    const restoredSays = npmScript('restore.mjs', [out, '--secrets', restoredSecrets], { DATABASE_URL: restored.url });
    expect(restoredSays).toContain(
      'Restore done: 0 webhook_deliveries'.replace('0', String(obj(manifest['counts'])['webhook_deliveries'])),
    );
    // Restoring over data is refused.
    expect(() => npmScript('restore.mjs', [out], { DATABASE_URL: restored?.url ?? '' })).toThrow(/not empty/);

    // An engine on the restored copy, with the restored secrets key, in place of the first one.
    const key = secretsShape.parse(JSON.parse(readFileSync(restoredSecrets, 'utf8'))).secretsKey;
    engine = await createEngineApp(
      loadEngineConfig({
        DATABASE_URL: restored.url,
        SECRETS_KEY: key,
        WHATSAPP_APP_SECRET: h.appSecret,
        WHATSAPP_API_BASE_URL: h.simulator.url,
        SIMULATOR_URL: h.simulator.url,
        LOG_LEVEL: 'silent',
        SWEEP_INTERVAL_MS: '200',
        MEDIA_DIR: join(dir, 'media'),
      }),
    );
    await engine.listen(0, '127.0.0.1');
    const url = (await engine.getUrl()).replace('[::1]', '127.0.0.1');
    h.simulator.setWebhook({ url: `${url}/webhooks/whatsapp`, appSecret: h.appSecret });
    const client = new Client({ connectionString: restored.url });
    await client.connect();
    try {
      const count = async (sql: string): Promise<number> => Number(obj((await client.query(sql)).rows[0])['n']);
      expect(await count(`SELECT count(*) AS n FROM executions WHERE status = 'succeeded'`)).toBe(1);
      const sentBefore = h.simulator.state.sent.length;
      await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393337770001', text: 'price please, again' });
      for (let i = 0; i < 200 && (await count(`SELECT count(*) AS n FROM executions WHERE status = 'succeeded'`)) < 2; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await count(`SELECT count(*) AS n FROM executions WHERE status = 'succeeded'`)).toBe(2);
      // The reply went out through the number whose token the restored key unsealed.
      expect(h.simulator.state.sent.slice(sentBefore).map((m) => m.to)).toEqual(['393337770001']);
      // The second customer wrote after the backup: not in the restored copy.
      expect(await count(`SELECT count(*) AS n FROM contacts WHERE wa_id = '393337770002'`)).toBe(0);
    } finally {
      await client.end();
    }
  }, 180_000);
});
