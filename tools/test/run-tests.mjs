// `npm test`: install what is missing, build the production bundles the
// browser tests run, then run every Jest project once. PostgreSQL comes from
// DATABASE_URL or an embedded server (tools/test/global-setup.js); tests that
// need Redis or Chromium are skipped by name when those are absent. A failure
// before Jest runs ends with one sentence saying what to do.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { exitWithFailure } = require('../lib/start-error.cjs');
const { ensureInstalled } = require('../lib/install.cjs');
const { repoRoot } = require('../lib/repo.cjs');

try {
  ensureInstalled();
  const { buildAll } = require('../lib/build.cjs');
  buildAll();
} catch (error) {
  exitWithFailure(error, 'npm test');
}

const artifacts = join(repoRoot, 'test-artifacts');
mkdirSync(artifacts, { recursive: true });
const resultsFile = join(artifacts, 'jest-results.json');
// A run that ends before Jest writes its results must not report the previous run's.
rmSync(resultsFile, { force: true });
const jest = join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js');
const result = spawnSync(
  process.execPath,
  [jest, '--ci', '--maxWorkers=2', '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)],
  {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  },
);

if (existsSync(resultsFile)) {
  const summary = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const skipped = summary.numPendingTests + summary.numTodoTests;
  console.log(`\n${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${skipped} skipped (${resultsFile})`);
  if (!process.env.REDIS_URL) console.log('Tests that need Redis were skipped: set REDIS_URL to run them.');
}
process.exit(result.status ?? 1);
