import type { INestApplication } from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import type { DestinationStream } from 'pino';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { trackRequestOrigin } from './audit/request-origin';
import { ApiExceptionFilter } from './common/api-exception.filter';
import type { Clock } from './common/clock';
import type { DatabaseClock } from './common/database-clock';
import { jsonBody, rawBody } from './common/body-parsers';
import { enforceInputRules } from './common/input-rules.middleware';
import { InputRulesPipe } from './common/input-rules.pipe';
import { buildOpenApiDocument } from './common/openapi-document';
import { ResponseContractInterceptor } from './common/response-contract.interceptor';
import type { EngineConfig } from './config/engine-config';

export interface EngineOverrides {
  /** The engine's time source; tests pass a clock they move by hand. */
  clock?: Clock;
  /** The clock due times are kept on; by default `clock` when given, else PostgreSQL's `now()`. */
  databaseClock?: DatabaseClock;
  /** Check every answer against its route's documented response schema (tests: the OpenAPI document must tell the truth). */
  checkResponses?: boolean;
  /** Where the JSON log lines go instead of stdout (tests read them). */
  logStream?: DestinationStream;
}

/** Builds the engine application for `config` without listening yet. */
export async function createEngineApp(config: EngineConfig, overrides: EngineOverrides = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, overrides), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.useGlobalFilters(new ApiExceptionFilter());
  app.set('trust proxy', config.TRUST_PROXY);
  app.use(trackRequestOrigin());
  // The webhook must see the exact bytes Meta signed, so it gets raw bytes; everything else JSON.
  app.use('/webhooks/whatsapp', rawBody({ bytes: config.WEBHOOK_MAX_BYTES, name: 'WEBHOOK_MAX_BYTES' }));
  // HubSpot signs the exact bytes too (signature v3).
  app.use('/webhooks/hubspot', rawBody({ bytes: config.WEBHOOK_MAX_BYTES, name: 'WEBHOOK_MAX_BYTES' }));
  // An agent's upload is the file itself, up to WhatsApp's largest (a 100 MB document).
  app.use('/api/conversations/:id/media', rawBody({ bytes: config.MEDIA_MAX_UPLOAD_BYTES, name: 'MEDIA_MAX_UPLOAD_BYTES' }));
  app.use(jsonBody({ bytes: config.API_MAX_BODY_BYTES, name: 'API_MAX_BODY_BYTES' }));
  // One input rule for every body, query string and route parameter, before anything recursive sees them.
  app.use(enforceInputRules());
  app.useGlobalPipes(new InputRulesPipe());
  app.use(cookieParser());

  if (overrides.checkResponses === true) app.useGlobalInterceptors(new ResponseContractInterceptor(app.get(Reflector)));

  if (config.ENGINE_ROLE !== 'worker') {
    // The document describes the API and holds no secret, so it needs no session (the calls it describes do).
    SwaggerModule.setup('api/docs', app, buildOpenApiDocument(app), {
      jsonDocumentUrl: 'api/docs/openapi.json',
      yamlDocumentUrl: 'api/docs/openapi.yaml',
    });
  }
  return app;
}
