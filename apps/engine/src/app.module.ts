import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { ApiModule } from './api.module';
import type { Clock } from './common/clock';
import type { DatabaseClock } from './common/database-clock';
import { loggableRequest } from './common/loggable-request';
import { ConfigModule } from './config/config.module';
import { ContactsWorkspaceModule } from './contacts/contacts-workspace.module';
import { CrmSyncModule } from './crm/crm-sync.module';
import { ConversationsWorkModule } from './conversations/conversations-work.module';
import type { EngineConfig } from './config/engine-config';
import { dataSourceOptions } from './database/data-source-options';
import { OrchestrationModule } from './orchestration/orchestration.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { ReportsWorkModule } from './reports/reports-work.module';
import { StreamModule } from './stream/stream.module';

@Module({})
export class AppModule {
  static forRoot(
    config: EngineConfig,
    overrides: { clock?: Clock; databaseClock?: DatabaseClock; logStream?: DestinationStream } = {},
  ): DynamicModule {
    const serveApi = config.ENGINE_ROLE !== 'worker';
    const logOptions = {
      level: config.LOG_LEVEL,
      base: { service: 'parley-engine', role: config.ENGINE_ROLE },
      // Credentials, and whatever in a URL may be a secret or a customer's data (see loggableRequest).
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
      serializers: { req: loggableRequest },
      autoLogging: { ignore: (request: { url?: string }) => request.url?.startsWith('/health') === true },
    };
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, overrides.clock, overrides.databaseClock),
        // Logs go to stdout; a test may pass its own stream to read what an operator would see.
        LoggerModule.forRoot({ pinoHttp: overrides.logStream ? [logOptions, overrides.logStream] : logOptions }),
        TypeOrmModule.forRoot(dataSourceOptions(config)),
        OrchestrationModule.forRoot(config),
        MetricsModule,
        HealthModule,
        StreamModule,
        CrmSyncModule,
        ConversationsWorkModule.forRoot(config),
        ContactsWorkspaceModule.forRoot(config),
        ReportsWorkModule.forRoot(config),
        ...(serveApi ? [ApiModule] : []),
      ],
    };
  }
}
