import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrateDatabase } from '../database/migrate-database';

/** The server tests create databases on (set by tools/test/global-setup.js). */
export function testServerUrl(): string {
  const url = process.env['PARLEY_TEST_ADMIN_URL'] ?? process.env['DATABASE_URL'];
  if (!url) throw new Error('No PostgreSQL for tests: run through `npm test` (it starts one) or set DATABASE_URL');
  return url;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database of its own for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `parley_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(testServerUrl());
  url.pathname = `/${name}`;
  await migrateDatabase({ DATABASE_URL: url.toString(), DATABASE_POOL_SIZE: 2 });
  return {
    url: url.toString(),
    name,
    drop: () => withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
