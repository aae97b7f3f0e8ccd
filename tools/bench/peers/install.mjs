// Installs the peers (Node-RED, n8n) from the npm registry into folders of
// their own under the system's temporary folder, never into the repository:
// `npm install --prefix <tmp>/parley-peers-<name>-<version>` with a
// package.json written here. Idempotent: a folder whose marker matches the
// package.json is reused; a new install goes to a scratch folder first and is
// renamed into place only when it completed, so an interrupted install never
// looks finished.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { log } from '../engine/bench-lib.mjs';

export const PEERS = {
  'node-red': {
    version: '4.1.8',
    packageJson: { private: true, dependencies: { 'node-red': '4.1.8' } },
    entry: ['node_modules', 'node-red', 'red.js'],
  },
  n8n: {
    // 1.123.50: the newest 1.123 patch on the registry whose expression engine runs in-process. From 1.123.66 on,
    // n8n-workflow pulls @n8n/expression-runtime, whose default "vm" engine needs isolated-vm 6, which compiles
    // only against Node 22's V8 (this machine runs Node 20), and n8n refuses to start without it.
    version: '1.123.50',
    packageJson: {
      private: true,
      dependencies: { n8n: '1.123.50' },
      overrides: {
        // n8n-nodes-base depends on xlsx as a tarball URL on SheetJS's own CDN;
        // 0.18.5 is the last xlsx on the npm registry (the Excel node is not used here).
        xlsx: '0.18.5',
      },
    },
    entry: ['node_modules', 'n8n', 'bin', 'n8n'],
  },
};

const MARKER = '.parley-peers-installed';

function hashOf(value) {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** The folder of `name`'s install (whether or not it exists yet). */
export function installDir(name) {
  const peer = PEERS[name];
  return join(os.tmpdir(), `parley-peers-${name}-${peer.version}`);
}

/** Installs `name` unless an identical install is there; returns { dir, entry, version, reused, seconds }. */
export async function ensureInstalled(name) {
  const peer = PEERS[name];
  const dir = installDir(name);
  const hash = hashOf(peer.packageJson);
  const entry = join(dir, ...peer.entry);
  const markerPath = join(dir, MARKER);
  if (existsSync(markerPath) && readFileSync(markerPath, 'utf8').trim() === hash && existsSync(entry)) {
    return { dir, entry, version: peer.version, reused: true, seconds: 0 };
  }
  const scratch = `${dir}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  writeFileSync(join(scratch, 'package.json'), `${JSON.stringify(peer.packageJson, null, 2)}\n`);
  log(`installing ${name} ${peer.version} into ${dir} (npm install --prefix; n8n takes minutes)`);
  const started = Date.now();
  const logPath = join(scratch, 'npm-install.log');
  const code = await new Promise((resolve) => {
    const child = spawn('npm', ['install', '--prefix', scratch, '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: scratch,
      // npm_config_* of an outer `npm run` would otherwise apply to this install.
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_config_'))),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => out.push(c));
    child.on('exit', (status) => {
      writeFileSync(logPath, Buffer.concat(out));
      resolve(status);
    });
  });
  if (code !== 0 || !existsSync(join(scratch, ...peer.entry))) {
    const tail = readFileSync(logPath, 'utf8').trim().split('\n').slice(-20).join('\n');
    throw new Error(`npm install of ${name} ${peer.version} failed (exit ${code}); log: ${logPath}\n${tail}`);
  }
  writeFileSync(join(scratch, MARKER), `${hash}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(scratch, dir);
  const seconds = (Date.now() - started) / 1000;
  log(`installed ${name} ${peer.version} in ${seconds.toFixed(0)} s`);
  return { dir, entry, version: peer.version, reused: false, seconds };
}
