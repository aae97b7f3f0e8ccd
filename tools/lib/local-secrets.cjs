// Secrets for a local installation, generated on first start and kept in
// .data/secrets.json (readable by the owner only), so restarts reuse them.
const { randomBytes } = require('node:crypto');
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { StartError } = require('./start-error.cjs');

const FIELDS = {
  secretsKey: () => randomBytes(32).toString('hex'),
  postgresPassword: () => randomBytes(18).toString('base64url'),
  whatsappAppSecret: () => randomBytes(16).toString('hex'),
  whatsappVerifyToken: () => randomBytes(12).toString('base64url'),
  simulatorAccessToken: () => `sim-${randomBytes(24).toString('base64url')}`,
};

function unusable(file, dataDir, verb, error) {
  const reason = error instanceof SyntaxError ? 'not valid JSON' : error instanceof Error && 'code' in error ? error.code : String(error);
  return new StartError(
    `Could not ${verb} ${file} (${reason}): make ${dataDir} readable and writable by the user running this, or delete it to start from scratch.`,
  );
}

function readFileOrNull(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return null;
    throw error;
  }
}

function readSecrets(dataDir, file) {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o755 });
    const text = readFileOrNull(file);
    if (text === null) return {};
    const parsed = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SyntaxError('not an object');
    return parsed;
  } catch (error) {
    throw unusable(file, dataDir, 'read', error);
  }
}

function loadLocalSecrets(dataDir) {
  const file = join(dataDir, 'secrets.json');
  const current = readSecrets(dataDir, file);
  let changed = false;
  for (const [name, make] of Object.entries(FIELDS)) {
    if (typeof current[name] !== 'string' || current[name].length === 0) {
      current[name] = make();
      changed = true;
    }
  }
  if (changed) {
    try {
      writeFileSync(file, `${JSON.stringify(current, null, 2)}\n`, { mode: 0o600 });
    } catch (error) {
      throw unusable(file, dataDir, 'write', error);
    }
  }
  return current;
}

module.exports = { loadLocalSecrets };
