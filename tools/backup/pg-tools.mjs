// Finds a pg_dump / pg_restore able to talk to the server: its major version
// must be at least the server's (pg_dump refuses newer servers). PG_BIN_DIR
// first, then PATH, then Debian's /usr/lib/postgresql/<major>/bin.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function majorOf(program) {
  const result = spawnSync(program, ['--version'], { encoding: 'utf8' });
  if (result.status !== 0) return null;
  const match = /(\d+)(?:\.\d+)?/.exec(result.stdout);
  return match ? Number(match[1]) : null;
}

function candidates(name) {
  const list = [];
  if (process.env.PG_BIN_DIR) list.push(join(process.env.PG_BIN_DIR, name));
  list.push(name);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    for (const version of readdirSync(debian).sort((a, b) => Number(b) - Number(a))) list.push(join(debian, version, 'bin', name));
  }
  return list;
}

/** The path of `name` (pg_dump, pg_restore) whose major version is >= serverMajor, or null. */
export function pgTool(name, serverMajor) {
  for (const program of candidates(name)) {
    const major = majorOf(program);
    if (major !== null && major >= serverMajor) return program;
  }
  return null;
}
