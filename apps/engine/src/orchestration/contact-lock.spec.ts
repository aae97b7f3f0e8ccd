import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { testServerUrl } from '../test-support/test-database';
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
});
