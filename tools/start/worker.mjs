// `npm run worker`: one more engine worker for the scaled mode (needs
// DATABASE_URL and REDIS_URL; the same settings as the API process).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const { repoRoot } = createRequire(import.meta.url)('../lib/repo.cjs');

for (const name of ['DATABASE_URL', 'REDIS_URL', 'SECRETS_KEY']) {
  if (!process.env[name]) {
    console.error(`${name} is required for a separate worker (workers share the database, Redis and secrets with the API).`);
    process.exit(1);
  }
}
const child = spawn(process.execPath, [join(repoRoot, 'apps/engine/dist/main.js')], {
  stdio: 'inherit',
  env: { ...process.env, ENGINE_ROLE: 'worker', PORT: process.env.PORT ?? '0' },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
