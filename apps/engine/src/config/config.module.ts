import { type DynamicModule, Module } from '@nestjs/common';
import { Clock, SystemClock } from '../common/clock';
import { DatabaseClock, FixedDatabaseClock, PostgresClock } from '../common/database-clock';
import { SecretBox } from '../common/secret-box';
import type { EngineConfig } from './engine-config';
import { ENGINE_CONFIG } from './engine-config.token';

/**
 * Provides the validated configuration, the clocks and the secret box to every
 * module. A test's hand-moved clock is the database's clock too, unless the
 * test gives the database one of its own.
 */
@Module({})
export class ConfigModule {
  static forRoot(config: EngineConfig, clock?: Clock, databaseClock?: DatabaseClock): DynamicModule {
    const dbClock = databaseClock ?? (clock ? new FixedDatabaseClock(clock) : new PostgresClock());
    return {
      module: ConfigModule,
      global: true,
      providers: [
        { provide: ENGINE_CONFIG, useValue: config },
        { provide: SecretBox, useValue: new SecretBox(config.SECRETS_KEY) },
        { provide: Clock, useValue: clock ?? new SystemClock() },
        { provide: DatabaseClock, useValue: dbClock },
      ],
      exports: [ENGINE_CONFIG, SecretBox, Clock, DatabaseClock],
    };
  }
}
