// `npm run worker`: one more engine worker for the scaled mode (needs
// DATABASE_URL and REDIS_URL; the same settings as the API process). Any
// failure ends with one sentence saying what to do.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { repoRoot } = require('../lib/repo.cjs');
const { StartError, exitWithFailure } = require('../lib/start-error.cjs');

const COMMAND = 'npm run worker';
const engineMain = join(repoRoot, 'apps/engine/dist/main.js');

for (const name of ['DATABASE_URL', 'REDIS_URL', 'SECRETS_KEY']) {
  if (!process.env[name]) {
    exitWithFailure(
      new StartError(
        `${name} is required for a separate worker (workers share the database, Redis and secrets with the API): set it and run ${COMMAND} again.`,
      ),
      COMMAND,
    );
  }
}
if (!existsSync(engineMain)) {
  exitWithFailure(
    new StartError(`The engine is not built (${engineMain} is missing): run npm run build (or npm start once), then ${COMMAND} again.`),
    COMMAND,
  );
}

const child = spawn(process.execPath, [engineMain], {
  stdio: 'inherit',
  env: { ...process.env, ENGINE_ROLE: 'worker', PORT: process.env.PORT ?? '0' },
});
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    child.kill(signal);
  });
}
child.on('error', (error) =>
  exitWithFailure(new StartError(`The worker could not be started (${error.message}): check that Node.js can run ${engineMain}.`), COMMAND),
);
child.on('exit', (code, signal) => {
  if (stopping || code === 0) process.exit(code ?? 0);
  const how = signal ? `signal ${signal}` : `exit code ${code}`;
  exitWithFailure(
    new StartError(
      `The worker stopped (${how}): fix what its log above reports (DATABASE_URL, REDIS_URL, SECRETS_KEY) and run ${COMMAND} again.`,
    ),
    COMMAND,
  );
});
