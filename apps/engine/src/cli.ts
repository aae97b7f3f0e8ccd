import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Module, type DynamicModule } from '@nestjs/common';
import { failureMessage, wantsStack } from './common/failure-message';
import { ConfigModule } from './config/config.module';
import { ConfigError, type EngineConfig, loadEngineConfig } from './config/engine-config';
import { dataSourceOptions } from './database/data-source-options';
import { migrateDatabase } from './database/migrate-database';
import { MetricsModule } from './metrics/metrics.module';
import { SetupModule } from './workspaces/setup.module';
import { SetupService } from './workspaces/setup.service';

@Module({})
class CliModule {
  static forRoot(config: EngineConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config), extra: { max: 2 } }),
        MetricsModule,
        SetupModule,
      ],
    };
  }
}

function optional(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

/**
 * `migrate`: apply pending migrations.
 * `setup`: migrate, then create the first admin (ADMIN_EMAIL / ADMIN_PASSWORD,
 * or a generated password) and register WHATSAPP_PHONE_NUMBER_ID with
 * WHATSAPP_ACCESS_TOKEN when given. With --json it prints one JSON line.
 */
async function main(): Promise<void> {
  const [command, ...flags] = process.argv.slice(2);
  const json = flags.includes('--json');
  const config = loadEngineConfig(process.env);
  const applied = await migrateDatabase(config);
  if (command === 'migrate') {
    process.stdout.write(
      json
        ? `${JSON.stringify({ applied })}\n`
        : `Applied ${applied.length} migration(s)${applied.length ? `: ${applied.join(', ')}` : ''}\n`,
    );
    return;
  }
  if (command !== 'setup') {
    process.stderr.write('Usage: cli.js migrate|setup [--json]\n');
    process.exitCode = 2;
    return;
  }
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: ['error'] });
  try {
    const setup = app.get(SetupService);
    const admin = await setup.ensureAdmin({ email: optional('ADMIN_EMAIL'), password: optional('ADMIN_PASSWORD') });
    const phoneNumberId = optional('WHATSAPP_PHONE_NUMBER_ID');
    const accessToken = optional('WHATSAPP_ACCESS_TOKEN');
    const numberAdded =
      phoneNumberId && accessToken
        ? await setup.ensureNumber({
            phoneNumberId,
            accessToken,
            displayPhoneNumber: optional('WHATSAPP_DISPLAY_PHONE_NUMBER'),
            wabaId: optional('WHATSAPP_WABA_ID'),
          })
        : false;
    if (json) {
      process.stdout.write(`${JSON.stringify({ applied, admin, numberAdded })}\n`);
    } else if (admin.created) {
      process.stdout.write(`Admin created: ${admin.email} / ${admin.password}${admin.generated ? ' (generated: shown once)' : ''}\n`);
    } else {
      process.stdout.write('Setup already done.\n');
    }
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : failureMessage(error, wantsStack(process.env))}\n`);
  process.exit(1);
});
