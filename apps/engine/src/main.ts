import 'reflect-metadata';
import { failureMessage, wantsStack } from './common/failure-message';
import { ConfigError, loadEngineConfig } from './config/engine-config';
import { createEngineApp } from './create-engine-app';
import { migrateDatabase } from './database/migrate-database';

async function main(): Promise<void> {
  let config;
  try {
    config = loadEngineConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  await migrateDatabase(config);
  const app = await createEngineApp(config);
  await app.listen(config.PORT, config.HOST);
}

main().catch((error: unknown) => {
  process.stderr.write(`Parley engine failed to start: ${failureMessage(error, wantsStack(process.env))}\n`);
  process.exit(1);
});
