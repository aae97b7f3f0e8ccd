import { type DynamicModule, Module } from '@nestjs/common';
import { Clock, SystemClock } from '../common/clock';
import { SecretBox } from '../common/secret-box';
import type { EngineConfig } from './engine-config';
import { ENGINE_CONFIG } from './engine-config.token';

/** Provides the validated configuration, the clock and the secret box to every module. */
@Module({})
export class ConfigModule {
  static forRoot(config: EngineConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [
        { provide: ENGINE_CONFIG, useValue: config },
        { provide: SecretBox, useValue: new SecretBox(config.SECRETS_KEY) },
        { provide: Clock, useValue: clock },
      ],
      exports: [ENGINE_CONFIG, SecretBox, Clock],
    };
  }
}
