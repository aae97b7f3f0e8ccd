import type { DataSourceOptions } from 'typeorm';
import type { EngineConfig } from '../config/engine-config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** TypeORM settings; the schema only ever changes through migrations. */
export function dataSourceOptions(
  config: Pick<EngineConfig, 'DATABASE_URL' | 'DATABASE_POOL_SIZE' | 'DATABASE_POOL_IDLE_MS'>,
): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    migrationsTransactionMode: 'all',
    synchronize: false,
    logging: false,
    extra: {
      max: config.DATABASE_POOL_SIZE,
      // node-postgres calls 0 "never close"; engine-config.ts says why a connection is kept warm.
      idleTimeoutMillis: config.DATABASE_POOL_IDLE_MS,
      application_name: 'parley-engine',
      // The engine's reads are short and index-driven; at millions of rows the planner's cost estimates pass
      // jit_above_cost and PostgreSQL spent 1.3–2.6 s compiling a statement that runs in 64 ms (health strip,
      // contact searches at 10 M executions). JIT pays only for long analytic scans, which the engine never runs.
      options: '-c jit=off',
    },
  };
}
