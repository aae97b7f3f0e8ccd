import { connect, createServer, type Socket } from 'node:net';
import { Client } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import { z } from 'zod';
import { isTransientDatabaseError } from '../database/transient-database-error';
import { testServerUrl } from '../test-support/test-database';
import { preparedExecute, preparedSqlRow, preparedSqlRows } from './prepared-sql';

const nameRow = z.object({ name: z.string(), statement: z.string() });
/** Lists the connection's prepared statements of this helper, the statement itself among them once prepared. */
const KEPT_SQL = `SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'parley_h_%' AND $1::int = 1 ORDER BY name`;

describe('preparedSqlRows (named prepared statements for the per-message statements)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    // One connection, so every call below lands on the same session and sees what the earlier ones prepared.
    dataSource = await new DataSource({ type: 'postgres', url: testServerUrl(), extra: { max: 1 } }).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
  });

  it('prepares the text once per connection, through the pool, a transaction and a held connection alike', async () => {
    const add = 'SELECT $1::int + 1 AS n';
    const n = z.object({ n: z.number() });
    expect(await preparedSqlRow(dataSource, n, add, [41])).toEqual({ n: 42 });
    expect(await preparedSqlRow(dataSource.manager, n, add, [1])).toEqual({ n: 2 });
    await dataSource.transaction(async (manager) => {
      expect(await preparedSqlRow(manager, n, add, [2])).toEqual({ n: 3 });
    });
    const runner = dataSource.createQueryRunner();
    try {
      expect(await preparedSqlRow(runner, n, add, [3])).toEqual({ n: 4 });
      const kept = await preparedSqlRows(runner, nameRow, KEPT_SQL, [1]);
      // The statement listing them is itself prepared under its name, and the sum once, not once per call.
      expect(kept.map((k) => k.statement).sort()).toEqual([KEPT_SQL, add].sort());
    } finally {
      await runner.release();
    }
  });

  it('answers how many rows a statement changed, and rolls back with its transaction', async () => {
    await dataSource.query('CREATE TEMP TABLE IF NOT EXISTS prepared_sql_spec (id int PRIMARY KEY, v text)');
    await dataSource.query('TRUNCATE prepared_sql_spec');
    const insert = 'INSERT INTO prepared_sql_spec (id, v) SELECT g, $2 FROM generate_series(1, $1::int) g';
    expect(await preparedExecute(dataSource.manager, insert, [3, 'a'])).toBe(3);
    expect(await preparedExecute(dataSource.manager, 'UPDATE prepared_sql_spec SET v = $2 WHERE id <= $1', [2, 'b'])).toBe(2);
    await expect(
      dataSource.transaction(async (manager) => {
        await preparedExecute(manager, 'DELETE FROM prepared_sql_spec WHERE id = $1', [1]);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    const rows = await preparedSqlRows(
      dataSource,
      z.object({ id: z.number(), v: z.string() }),
      'SELECT id, v FROM prepared_sql_spec ORDER BY id',
      [],
    );
    expect(rows).toEqual([
      { id: 1, v: 'b' },
      { id: 2, v: 'b' },
      { id: 3, v: 'a' },
    ]);
  });

  it('fails as query() does, with the SQLSTATE callers check, and the connection stays usable', async () => {
    const unique = 'INSERT INTO prepared_sql_spec (id, v) VALUES ($1, $2)';
    await dataSource.query('CREATE TEMP TABLE IF NOT EXISTS prepared_sql_spec (id int PRIMARY KEY, v text)');
    await dataSource.query('TRUNCATE prepared_sql_spec');
    await preparedExecute(dataSource, unique, [7, 'x']);
    const failure: unknown = await preparedExecute(dataSource, unique, [7, 'y']).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect(failure instanceof QueryFailedError ? z.object({ code: z.string() }).parse(failure.driverError).code : null).toBe('23505');
    expect(isTransientDatabaseError(failure)).toBe(false);
    // A statement whose first Parse failed is prepared again on the next call, not taken as prepared.
    const broken = 'SELECT no_such_column FROM prepared_sql_spec WHERE id = $1';
    await expect(preparedSqlRows(dataSource, z.object({}), broken, [1])).rejects.toBeInstanceOf(QueryFailedError);
    await expect(preparedSqlRows(dataSource, z.object({}), broken, [1])).rejects.toThrow(/no_such_column/);
    expect(await preparedSqlRow(dataSource, z.object({ v: z.string() }), 'SELECT v FROM prepared_sql_spec WHERE id = $1', [7])).toEqual({
      v: 'x',
    });
  });

  it('fails the statement, not the process, when the server ends its connection mid-statement, and the pool goes on', async () => {
    const admin = new Client({ connectionString: testServerUrl() });
    await admin.connect();
    try {
      const sleeping = preparedSqlRow(dataSource, z.object({ slept: z.string() }), 'SELECT pg_sleep($1)::text AS slept', [30]).catch(
        (error: unknown) => error,
      );
      // Ended as a restart or a crash ends it: the server closes the session while the statement runs.
      let ended = 0;
      for (let attempt = 0; attempt < 100 && ended === 0; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const result = await admin.query<{ ended: boolean }>(
          `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep($1)%' AND pid <> pg_backend_pid()`,
        );
        ended = result.rows.filter((row) => row.ended).length;
      }
      expect(ended).toBe(1);
      expect(await sleeping).toBeInstanceOf(QueryFailedError);
      expect(await preparedSqlRow(dataSource, z.object({ n: z.number() }), 'SELECT $1::int AS n', [5])).toEqual({ n: 5 });
    } finally {
      await admin.end();
    }
  });

  it('survives a connection whose socket closes mid-statement with no word from the server (a crashed server)', async () => {
    // A proxy in front of PostgreSQL, so the test can cut the socket as a crashed server does (no FATAL message).
    const target = new URL(testServerUrl());
    const sockets = new Set<Socket>();
    const proxy = createServer((inbound) => {
      const outbound = connect(Number(target.port || 5432), target.hostname);
      sockets.add(inbound).add(outbound);
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('error', () => undefined);
      outbound.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const address = proxy.address();
    if (address === null || typeof address === 'string') throw new Error('no proxy port');
    const viaProxy = new URL(testServerUrl());
    viaProxy.port = String(address.port);
    const cut = await new DataSource({ type: 'postgres', url: viaProxy.toString(), extra: { max: 1 } }).initialize();
    try {
      const sleeping = preparedSqlRow(cut, z.object({ slept: z.string() }), 'SELECT pg_sleep($1)::text AS slept', [2]).catch(
        (error: unknown) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const socket of sockets) socket.destroy();
      expect(await sleeping).toBeInstanceOf(QueryFailedError);
      expect(await preparedSqlRow(cut, z.object({ n: z.number() }), 'SELECT $1::int AS n', [6])).toEqual({ n: 6 });
    } finally {
      await cut.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
