import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import type { DestinationStream } from 'pino';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AuthService } from './auth/auth.service';
import { readSessionToken } from './auth/read-session-token';
import { ApiExceptionFilter } from './common/api-exception.filter';
import type { Clock } from './common/clock';
import { jsonBody, rawBody } from './common/body-parsers';
import type { EngineConfig } from './config/engine-config';

export interface EngineOverrides {
  /** The engine's time source; tests pass a clock they move by hand. */
  clock?: Clock;
  /** Where the JSON log lines go instead of stdout (tests read them). */
  logStream?: DestinationStream;
}

/** Guards the OpenAPI pages: only signed-in users may read the API description. */
function docsGuard(auth: AuthService) {
  return (request: Request, response: Response, next: NextFunction) => {
    const token = readSessionToken(request);
    const check = token ? auth.authenticate(token) : Promise.resolve(null);
    check.then((principal) => (principal ? next() : response.status(401).json({ statusCode: 401, message: 'Sign in first.' })), next);
  };
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
  // The webhook must see the exact bytes Meta signed, so it gets raw bytes; everything else JSON.
  app.use('/webhooks/whatsapp', rawBody(config.WEBHOOK_MAX_BYTES));
  app.use(jsonBody(config.API_MAX_BODY_BYTES));
  app.use(cookieParser());

  if (config.ENGINE_ROLE !== 'worker') {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Parley engine API')
        .setDescription('Flows, executions, contacts, users and WhatsApp numbers. Sign in with POST /api/auth/login.')
        .setVersion('0.1.0')
        .addCookieAuth('parley_session')
        .addBearerAuth()
        .build(),
    );
    app.use('/api/docs', docsGuard(app.get(AuthService)));
    SwaggerModule.setup('api/docs', app, document, {
      jsonDocumentUrl: 'api/docs/openapi.json',
      yamlDocumentUrl: 'api/docs/openapi.yaml',
    });
  }
  return app;
}
