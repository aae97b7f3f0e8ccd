import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase, testServerUrl } from '../test-support/test-database';
import { CONTACT_UNLOCK_SQL, TRY_CONTACT_LOCK_SQL, contactLockHeldSql } from './contact-lock';
import { obj } from '../test-support/json';

describe('contact lock', () => {
  const holder = new Client({ connectionString: testServerUrl() });
  const observer = new Client({ connectionString: testServerUrl() });
  beforeAll(async () => {
    await holder.connect();
    await observer.connect();
  });
  afterAll(async () => {
    await holder.end();
    await observer.end();
  });

  async function held(contactId: string): Promise<unknown> {
    const result = await observer.query(`SELECT ${contactLockHeldSql('$1::uuid')} AS held`, [contactId]);
    return obj(result.rows[0])['held'];
  }

  it('is seen as held by other sessions exactly while a session holds it (the sweeper leaves such contacts alone)', async () => {
    // Enough ids that some hash to negative keys, which pg_locks shows as large unsigned oids.
    const ids = Array.from({ length: 20 }, () => randomUUID());
    for (const id of ids) {
      expect(await held(id)).toBe(false);
      expect(obj((await holder.query(TRY_CONTACT_LOCK_SQL, [id])).rows[0])['locked']).toBe(true);
      expect(await held(id)).toBe(true);
      expect(obj((await observer.query(TRY_CONTACT_LOCK_SQL, [id])).rows[0])['locked']).toBe(false);
      await holder.query(CONTACT_UNLOCK_SQL, [id]);
      expect(await held(id)).toBe(false);
    }
  });

  describe('taken and let go by the contact work functions (migration 1765270000000)', () => {
    let database: TestDatabase;
    const a = (): Client => new Client({ connectionString: database.url });
    let worker: Client;
    let other: Client;
    beforeAll(async () => {
      database = await createTestDatabase();
      worker = a();
      other = a();
      await worker.connect();
      await other.connect();
    });
    afterAll(async () => {
      await worker.end();
      await other.end();
      await database.drop();
    });

    it('holds the same lock as the plain statements, answers busy to others, and lets go with the pending check', async () => {
      const ids = Array.from({ length: 20 }, () => randomUUID());
      for (const id of ids) {
        const taken = await worker.query('SELECT * FROM parley_contact_work($1::uuid, NULL, 25, true)', [id]);
        // Locked, and no work for a contact without rows: no row at all, not 'busy'.
        expect(taken.rows).toEqual([]);
        expect(obj((await other.query(TRY_CONTACT_LOCK_SQL, [id])).rows[0])['locked']).toBe(false);
        const refused = await other.query('SELECT kind FROM parley_contact_work($1::uuid, NULL, 25, true)', [id]);
        expect(refused.rows).toEqual([{ kind: 'busy' }]);
        const released = await worker.query('SELECT parley_contact_release($1::uuid, NULL) AS pending', [id]);
        expect(released.rows).toEqual([{ pending: false }]);
        expect(obj((await other.query(TRY_CONTACT_LOCK_SQL, [id])).rows[0])['locked']).toBe(true);
        await other.query(CONTACT_UNLOCK_SQL, [id]);
      }
    });

    it('says idle (no active execution) only when asked, and never to a session that did not get the lock', async () => {
      const id = randomUUID();
      const taken = await worker.query('SELECT kind FROM parley_contact_work($1::uuid, NULL, 25, true, true)', [id]);
      expect(taken.rows).toEqual([{ kind: 'idle' }]);
      const refused = await other.query('SELECT kind FROM parley_contact_work($1::uuid, NULL, 25, true, true)', [id]);
      expect(refused.rows).toEqual([{ kind: 'busy' }]);
      const notAsked = await worker.query('SELECT kind FROM parley_contact_work($1::uuid, NULL, 25, false, false)', [id]);
      expect(notAsked.rows).toEqual([]);
      await worker.query('SELECT parley_contact_release($1::uuid, NULL) AS pending', [id]);
    });
  });
});
