import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Module, type DynamicModule } from '@nestjs/common';
import { failureMessage, wantsStack } from './common/failure-message';
import { ConfigModule } from './config/config.module';
import { ConfigError, type EngineConfig, loadEngineConfig } from './config/engine-config';
import { dataSourceOptions } from './database/data-source-options';
import { migrateDatabase } from './database/migrate-database';
import { MetricsModule } from './metrics/metrics.module';
import { sqlRow } from './database/sql-rows';
import { seedDemoData } from './reports/demo-data';
import { insertReportFixture } from './reports/report-fixture';
import { ReportRollupService } from './reports/report-rollup.service';
import { ReportsCoreModule } from './reports/reports-core.module';
import { SetupModule } from './workspaces/setup.module';
import { SetupService } from './workspaces/setup.service';

@Module({})
class CliModule {
  /** `pool`: connections at most (a rebuild holds one per slice it works on, plus one for short reads). */
  static forRoot(config: EngineConfig, pool = 2): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config), extra: { max: pool } }),
        MetricsModule,
        SetupModule,
        ReportsCoreModule,
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
 * `reports:rebuild [--concurrency N]`: recompute every report rollup from the raw rows (N connections at once;
 * a rebuild that was stopped continues where it stopped).
 * `reports:catch-up`: apply the changes waiting for the rollup job now (prints JSON).
 * `seed:fixture`: the reports' hand-computed fixture (docs/REPORTS.md) in the first workspace (prints JSON).
 * `seed:demo [--days N] [--per-day N]`: demo data for the reports in the
 * first workspace (a demo number is registered if it has none), then rebuild.
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
  if (command === 'reports:rebuild' || command === 'reports:catch-up' || command === 'seed:demo' || command === 'seed:fixture') {
    await reportsCommand(config, command, flags);
    return;
  }
  if (command !== 'setup') {
    process.stderr.write('Usage: cli.js migrate|setup|reports:rebuild|seed:demo [--json]\n');
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

function flagNumber(flags: string[], name: string, fallback: number, max: number): number {
  const index = flags.indexOf(name);
  if (index < 0) return fallback;
  const value = Number(flags[index + 1]);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new ConfigError([`${name} takes a whole number from 1 to ${max}`]);
  return value;
}

async function reportsCommand(
  config: EngineConfig,
  command: 'reports:rebuild' | 'reports:catch-up' | 'seed:demo' | 'seed:fixture',
  flags: string[],
): Promise<void> {
  // --concurrency N: connections working on a rebuild's slices at once.
  const concurrency = flagNumber(flags, '--concurrency', 2, 16);
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config, concurrency + 1), { logger: ['error'] });
  try {
    const rollups = app.get(ReportRollupService);
    const dataSource = app.get(DataSource);
    if (command === 'reports:catch-up') {
      const started = Date.now();
      const changes = await rollups.drain();
      process.stdout.write(`${JSON.stringify({ changes, ms: Date.now() - started })}\n`);
      return;
    }
    if (command === 'reports:rebuild') {
      const started = Date.now();
      const { changes } = await rollups.rebuild(null, { concurrency });
      process.stdout.write(`Rebuilt the report rollups (${changes} workspaces) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      return;
    }
    const workspace = await sqlRow(dataSource, z.object({ id: z.string() }), 'SELECT id FROM workspaces ORDER BY created_at LIMIT 1');
    if (!workspace) throw new ConfigError(['No workspace yet: run `npm start` (or cli.js setup) first.']);
    if (command === 'seed:fixture') {
      const { flowId } = await dataSource.transaction((manager) => insertReportFixture(manager, workspace.id));
      process.stdout.write(`${JSON.stringify({ flowId })}\n`);
      return;
    }
    const hasNumber = await sqlRow(
      dataSource,
      z.object({ id: z.string() }),
      'SELECT id FROM whatsapp_numbers WHERE workspace_id = $1 LIMIT 1',
      [workspace.id],
    );
    if (!hasNumber) {
      await app
        .get(SetupService)
        .ensureNumber({ phoneNumberId: 'demo-reports', accessToken: 'demo-token-not-used', displayPhoneNumber: '+39 02 0000 0000' });
    }
    const days = flagNumber(flags, '--days', 30, 400);
    const sessionsPerDay = flagNumber(flags, '--per-day', 150, 1_000_000);
    const written = await seedDemoData(dataSource, workspace.id, { days, sessionsPerDay, now: new Date() });
    // Rebuilding covers every change the triggers logged while seeding, in fewer passes.
    await dataSource.query('DELETE FROM report_changes WHERE workspace_id = $1', [workspace.id]);
    await rollups.rebuild(workspace.id);
    process.stdout.write(`Demo data: ${written.messages} messages and ${written.executions} flow runs over ${days} days; open /reports.\n`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : failureMessage(error, wantsStack(process.env))}\n`);
  process.exit(1);
});
