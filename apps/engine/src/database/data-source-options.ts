import type { DataSourceOptions } from 'typeorm';
import type { EngineConfig } from '../config/engine-config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** TypeORM settings; the schema only ever changes through migrations. */
export function dataSourceOptions(config: Pick<EngineConfig, 'DATABASE_URL' | 'DATABASE_POOL_SIZE'>): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    migrationsTransactionMode: 'all',
    synchronize: false,
    logging: false,
    extra: { max: config.DATABASE_POOL_SIZE, application_name: 'parley-engine' },
  };
}
