// Secrets for a local installation, generated on first start and kept in
// .data/secrets.json (readable by the owner only), so restarts reuse them.
const { randomBytes } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const FIELDS = {
  secretsKey: () => randomBytes(32).toString('hex'),
  postgresPassword: () => randomBytes(18).toString('base64url'),
  whatsappAppSecret: () => randomBytes(16).toString('hex'),
  whatsappVerifyToken: () => randomBytes(12).toString('base64url'),
  simulatorAccessToken: () => `sim-${randomBytes(24).toString('base64url')}`,
};

function loadLocalSecrets(dataDir) {
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const file = join(dataDir, 'secrets.json');
  const current = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  let changed = false;
  for (const [name, make] of Object.entries(FIELDS)) {
    if (typeof current[name] !== 'string' || current[name].length === 0) {
      current[name] = make();
      changed = true;
    }
  }
  if (changed) writeFileSync(file, `${JSON.stringify(current, null, 2)}\n`, { mode: 0o600 });
  return current;
}

module.exports = { loadLocalSecrets };
