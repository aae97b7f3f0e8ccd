#!/usr/bin/env node
// npm run backup [-- --out DIR] [--database-url URL] [--secrets FILE] [--method pg_dump|snapshot]
//
// Writes DIR (default backups/parley-<UTC time>/, mode 700) with:
//   manifest.json  what is inside, the migrations it was taken at, row counts
//   database.dump  pg_dump's custom format (when a pg_dump as new as the server exists), or
//   tables/*.ndjson.gz  every table read in ONE repeatable-read snapshot (the embedded
//                  PostgreSQL 18 ships no pg_dump; Debian's may be older than the server)
//   secrets.json   the installation's secrets (SECRETS_KEY seals the WhatsApp tokens:
//                  a database without its key cannot send), mode 600
// Both ways are consistent: pg_dump and the snapshot each read one instant of the database.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { createRequire } from 'node:module';
import { openDatabase, option, repoRoot, secretsFile, shownUrl } from './database-target.mjs';
import { pgTool } from './pg-tools.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');

const FETCH = 2000;
const log = (line) => process.stdout.write(`${line}\n`);

async function tablesOf(client) {
  const { rows } = await client.query(
    `SELECT c.relname AS name,
            array_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      GROUP BY c.relname ORDER BY c.relname`,
  );
  return rows;
}

/** Every table as JSON lines, all read in one snapshot. */
async function snapshot(url, dir) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const tables = await tablesOf(client);
    const sequences = (
      await client.query('SELECT schemaname, sequencename, last_value FROM pg_sequences WHERE schemaname = $1', ['public'])
    ).rows;
    mkdirSync(join(dir, 'tables'), { recursive: true });
    const written = [];
    for (const table of tables) {
      await client.query(`DECLARE dump CURSOR FOR SELECT to_jsonb(t)::text AS row FROM public."${table.name}" t`);
      let rows = 0;
      async function* lines() {
        for (;;) {
          const batch = await client.query(`FETCH ${FETCH} FROM dump`);
          if (batch.rows.length === 0) return;
          rows += batch.rows.length;
          yield batch.rows.map((r) => `${r.row}\n`).join('');
        }
      }
      await pipeline(Readable.from(lines()), createGzip(), createWriteStream(join(dir, 'tables', `${table.name}.ndjson.gz`)));
      await client.query('CLOSE dump');
      written.push({ name: table.name, columns: table.columns, rows });
    }
    const migrations = existsTable(tables, 'migrations')
      ? (await client.query('SELECT name FROM migrations ORDER BY id')).rows.map((r) => r.name)
      : [];
    await client.query('COMMIT');
    return { tables: written, sequences: sequences.map((s) => ({ name: s.sequencename, lastValue: s.last_value })), migrations };
  } finally {
    await client.end();
  }
}

function existsTable(tables, name) {
  return tables.some((t) => t.name === name);
}

async function serverFacts(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const major = Number((await client.query('SHOW server_version_num')).rows[0].server_version_num.slice(0, -4));
    const hasMigrations = (await client.query(`SELECT to_regclass('public.migrations') IS NOT NULL AS found`)).rows[0].found;
    const migrations = hasMigrations ? (await client.query('SELECT name FROM migrations ORDER BY id')).rows.map((r) => r.name) : [];
    const counts = {};
    for (const table of ['webhook_deliveries', 'contacts', 'messages', 'executions']) {
      const found = (await client.query('SELECT to_regclass($1) IS NOT NULL AS found', [`public.${table}`])).rows[0].found;
      if (found) counts[table] = Number((await client.query(`SELECT count(*) AS n FROM public."${table}"`)).rows[0].n);
    }
    return { major, migrations, counts };
  } finally {
    await client.end();
  }
}

async function main() {
  const argv = process.argv.slice(2);
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const dir = option(argv, 'out') ?? join(repoRoot, 'backups', `parley-${stamp}`);
  if (existsSync(join(dir, 'manifest.json'))) throw new Error(`${dir} already holds a backup: choose another --out.`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);

  const database = await openDatabase(argv, log);
  try {
    const facts = await serverFacts(database.url);
    const wanted = option(argv, 'method');
    const pgDump = wanted === 'snapshot' ? null : pgTool('pg_dump', facts.major);
    if (wanted === 'pg_dump' && !pgDump) throw new Error(`No pg_dump of version ${facts.major} or newer was found (set PG_BIN_DIR).`);
    log(`Backing up ${shownUrl(database.url)} (PostgreSQL ${facts.major}) into ${dir}`);

    const manifest = {
      format: 1,
      createdAt: new Date().toISOString(),
      serverMajor: facts.major,
      migrations: facts.migrations,
      counts: facts.counts,
      method: pgDump ? 'pg_dump' : 'snapshot',
      secrets: false,
    };
    if (pgDump) {
      const result = spawnSync(
        pgDump,
        ['--format=custom', '--no-owner', '--no-privileges', `--file=${join(dir, 'database.dump')}`, database.url],
        {
          stdio: ['ignore', 'inherit', 'inherit'],
        },
      );
      if (result.status !== 0) throw new Error(`pg_dump failed (exit ${result.status}).`);
    } else {
      const taken = await snapshot(database.url, dir);
      manifest.tables = taken.tables;
      manifest.sequences = taken.sequences;
    }

    // The secrets: the file of a local installation, and SECRETS_KEY when it comes from the environment.
    const file = secretsFile(argv);
    const target = join(dir, 'secrets.json');
    if (existsSync(file)) copyFileSync(file, target);
    if (process.env.SECRETS_KEY) {
      const current = existsSync(target) ? JSON.parse(readFileSync(target, 'utf8')) : {};
      writeFileSync(target, `${JSON.stringify({ ...current, secretsKey: process.env.SECRETS_KEY }, null, 2)}\n`, { mode: 0o600 });
    }
    if (existsSync(target)) {
      chmodSync(target, 0o600);
      manifest.secrets = true;
    } else {
      log('Warning: no secrets file and no SECRETS_KEY: keep SECRETS_KEY safe yourself, the WhatsApp tokens cannot be read without it.');
    }
    writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    log(
      `Backup done (${manifest.method}): ${Object.entries(facts.counts)
        .map(([t, n]) => `${n} ${t}`)
        .join(', ')}.`,
    );
    log(dir);
  } finally {
    await database.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`Backup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
