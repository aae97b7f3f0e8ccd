import { DataSource } from 'typeorm';
import type { EngineConfig } from '../config/engine-config';
import { dataSourceOptions } from './data-source-options';

/** Arbitrary constant: the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK = 4_729_001;

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so an API and a
 * worker starting together never migrate twice. Returns the names applied.
 */
export async function migrateDatabase(config: Pick<EngineConfig, 'DATABASE_URL' | 'DATABASE_POOL_SIZE'>): Promise<string[]> {
  // Its own pool settings (`extra`): two connections, closed with the data source.
  const dataSource = new DataSource({
    ...dataSourceOptions({ ...config, DATABASE_POOL_IDLE_MS: 0 }),
    extra: { max: 2, application_name: 'parley-migrate' },
  });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'all' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}
