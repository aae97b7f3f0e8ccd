#!/usr/bin/env node
// npm run restore -- DIR [--database-url URL] [--secrets FILE]
//
// Restores a backup made by `npm run backup` into an EMPTY database: DATABASE_URL
// (or --database-url), else the embedded PostgreSQL of this clone (a fresh clone:
// the backup's secrets.json becomes .data/secrets.json first, so the embedded
// server is created with the backup's password and the engine finds its SECRETS_KEY).
// Then the row counts are checked against the backup's manifest.
import { spawnSync } from 'node:child_process';
import { copyFileSync, createReadStream, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { createRequire } from 'node:module';
import { openDatabase, option, readJson, repoRoot, secretsFile, shownUrl } from './database-target.mjs';
import { pgTool } from './pg-tools.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');

const BATCH = 1000;
const log = (line) => process.stdout.write(`${line}\n`);

async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function placeSecrets(argv, dir, manifest, external) {
  if (!manifest.secrets) {
    log('The backup holds no secrets: start the engine with the SECRETS_KEY it was taken with.');
    return null;
  }
  const from = join(dir, 'secrets.json');
  const to = option(argv, 'secrets') ?? (external ? null : secretsFile(argv));
  if (to === null) {
    log(`The backup's secrets are in ${from}: give the engine its secretsKey as SECRETS_KEY (or pass --secrets FILE).`);
    return readJson(from);
  }
  if (existsSync(to) && readFileSync(to, 'utf8') !== readFileSync(from, 'utf8')) {
    const kept = `${to}.before-restore-${Date.now()}`;
    copyFileSync(to, kept);
    log(`The secrets file ${to} differed from the backup's: kept as ${kept}.`);
  }
  copyFileSync(from, to);
  log(`Secrets restored to ${to}.`);
  return readJson(from);
}

async function rows(file) {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  const out = [];
  for await (const line of lines) if (line.length > 0) out.push(line);
  return out;
}

async function restoreSnapshot(url, dir, manifest, secrets) {
  const cli = join(repoRoot, 'apps/engine/dist/cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build Parley first (npm run build, or npm start once).`);
  const secretsKey = process.env.SECRETS_KEY ?? secrets?.secretsKey;
  if (!secretsKey) throw new Error('No SECRETS_KEY to run the migrations with: set it, or restore a backup that holds its secrets.');
  log('Creating the schema (the migrations of this clone)...');
  const migrate = spawnSync(process.execPath, [cli, 'migrate', '--json'], {
    env: { ...process.env, DATABASE_URL: url, SECRETS_KEY: secretsKey },
    encoding: 'utf8',
  });
  if (migrate.status !== 0) throw new Error(`The migrations failed: ${migrate.stderr}`);

  await withClient(url, async (client) => {
    const known = new Set((await client.query('SELECT name FROM migrations')).rows.map((r) => r.name));
    const unknown = manifest.migrations.filter((name) => !known.has(name));
    if (unknown.length > 0)
      throw new Error(`The backup is from a newer Parley (migrations ${unknown.join(', ')}): restore it with that version.`);
    await client.query('BEGIN');
    try {
      // Rows go in as they were, in any order: foreign keys and triggers are not re-checked (needs a superuser, as the embedded one is).
      await client.query('SAVEPOINT replica');
      try {
        await client.query('SET LOCAL session_replication_role = replica');
      } catch {
        await client.query('ROLLBACK TO SAVEPOINT replica');
        log('Not a superuser: tables are loaded with their checks on, parents first.');
      }
      const tables = manifest.tables.filter((t) => t.name !== 'migrations');
      const present = new Set(
        (await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).rows.map((r) => r.tablename),
      );
      const missing = tables.filter((t) => !present.has(t.name));
      if (missing.length > 0) throw new Error(`Tables of the backup this clone does not have: ${missing.map((t) => t.name).join(', ')}.`);
      // Anything the migrations seeded gives way to the backup's rows.
      await client.query(`TRUNCATE ${tables.map((t) => `public."${t.name}"`).join(', ')} CASCADE`);
      for (const table of tables) {
        const lines = await rows(join(dir, 'tables', `${table.name}.ndjson.gz`));
        const columns = table.columns.map((c) => `"${c}"`).join(', ');
        for (let i = 0; i < lines.length; i += BATCH) {
          const batch = `[${lines.slice(i, i + BATCH).join(',')}]`;
          await client.query(
            `INSERT INTO public."${table.name}" (${columns}) OVERRIDING SYSTEM VALUE SELECT ${columns} FROM jsonb_populate_recordset(NULL::public."${table.name}", $1::jsonb)`,
            [batch],
          );
        }
        if (lines.length !== table.rows) throw new Error(`${table.name}: ${lines.length} rows in the file, ${table.rows} in the manifest.`);
      }
      for (const sequence of manifest.sequences ?? []) {
        if (sequence.lastValue !== null)
          await client.query('SELECT setval($1::regclass, $2, true)', [`public."${sequence.name}"`, sequence.lastValue]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  });
}

async function main() {
  const argv = process.argv.slice(2);
  const valued = new Set(['--from', '--database-url', '--secrets']);
  const from = option(argv, 'from') ?? argv.find((a, i) => !a.startsWith('--') && !valued.has(argv[i - 1] ?? ''));
  if (!from) throw new Error('Usage: npm run restore -- <backup folder> [--database-url URL] [--secrets FILE]');
  const dir = resolve(from);
  const manifest = readJson(join(dir, 'manifest.json'));
  if (manifest.format !== 1) throw new Error(`${dir} is not a Parley backup this version can read (format ${manifest.format}).`);
  const external = Boolean(option(argv, 'database-url') ?? process.env.DATABASE_URL);
  const secrets = placeSecrets(argv, dir, manifest, external);

  const database = await openDatabase(argv, log);
  try {
    const tables = await withClient(database.url, async (c) =>
      Number((await c.query(`SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`)).rows[0].n),
    );
    if (tables > 0) throw new Error(`${shownUrl(database.url)} is not empty (${tables} tables): restore into a new, empty database.`);
    log(`Restoring ${dir} (${manifest.method}, taken ${manifest.createdAt}) into ${shownUrl(database.url)}`);
    if (manifest.method === 'pg_dump') {
      const pgRestore = pgTool('pg_restore', manifest.serverMajor);
      if (!pgRestore) throw new Error(`No pg_restore of version ${manifest.serverMajor} or newer was found (set PG_BIN_DIR).`);
      const result = spawnSync(
        pgRestore,
        [
          '--no-owner',
          '--no-privileges',
          '--exit-on-error',
          '--single-transaction',
          `--dbname=${database.url}`,
          join(dir, 'database.dump'),
        ],
        { stdio: ['ignore', 'inherit', 'inherit'] },
      );
      if (result.status !== 0) throw new Error(`pg_restore failed (exit ${result.status}).`);
    } else {
      await restoreSnapshot(database.url, dir, manifest, secrets);
    }
    // The same rows as when the backup was taken.
    const counts = await withClient(database.url, async (c) => {
      const out = {};
      for (const table of Object.keys(manifest.counts))
        out[table] = Number((await c.query(`SELECT count(*) AS n FROM public."${table}"`)).rows[0].n);
      return out;
    });
    const wrong = Object.entries(manifest.counts).filter(([t, n]) => counts[t] !== n);
    if (wrong.length > 0)
      throw new Error(`Row counts differ from the backup: ${wrong.map(([t, n]) => `${t} ${counts[t]} instead of ${n}`).join(', ')}.`);
    log(
      `Restore done: ${Object.entries(counts)
        .map(([t, n]) => `${n} ${t}`)
        .join(', ')}.`,
    );
  } finally {
    await database.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`Restore failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
