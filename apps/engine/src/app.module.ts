import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { ApiModule } from './api.module';
import type { Clock } from './common/clock';
import { ConfigModule } from './config/config.module';
import type { EngineConfig } from './config/engine-config';
import { dataSourceOptions } from './database/data-source-options';
import { DispatchModule } from './dispatch/dispatch.module';
import { HealthModule } from './health/health.module';

@Module({})
export class AppModule {
  static forRoot(config: EngineConfig, overrides: { clock?: Clock } = {}): DynamicModule {
    const serveApi = config.ENGINE_ROLE !== 'worker';
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, overrides.clock),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            base: { service: 'parley-engine', role: config.ENGINE_ROLE },
            redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
            autoLogging: { ignore: (request) => request.url?.startsWith('/health') === true },
          },
        }),
        TypeOrmModule.forRoot(dataSourceOptions(config)),
        DispatchModule.forRoot(config),
        HealthModule,
        ...(serveApi ? [ApiModule] : []),
      ],
    };
  }
}
