import { DataSource } from 'typeorm';
import { z } from 'zod';
import { testServerUrl } from '../test-support/test-database';
import { preparedRow, preparedRows, statementName } from './prepared-rows';

describe('preparedRows (named prepared statements for the inbox’s hot reads)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await new DataSource({ type: 'postgres', url: testServerUrl(), extra: { max: 1 } }).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
  });

  it('runs the text as a statement named after it, kept by the connection for the next call', async () => {
    // The statement being run is itself listed in pg_prepared_statements only when it was prepared under its name.
    const sql = 'SELECT name, statement FROM pg_prepared_statements WHERE name = $1';
    const row = z.object({ name: z.string(), statement: z.string() });
    const first = await preparedRows(dataSource, row, sql, [statementName(sql)]);
    expect(first).toEqual([{ name: statementName(sql), statement: sql }]);
    // Same text, new values: the kept statement runs again (a second PREPARE of the name would fail).
    expect(await preparedRow(dataSource, z.object({ n: z.number() }), 'SELECT $1::int + 1 AS n', [41])).toEqual({ n: 42 });
    expect(await preparedRow(dataSource, z.object({ n: z.number() }), 'SELECT $1::int + 1 AS n', [1])).toEqual({ n: 2 });
    const kept = await preparedRows(
      dataSource,
      z.object({ name: z.string() }),
      'SELECT name FROM pg_prepared_statements ORDER BY name',
      [],
    );
    expect(kept.map((k) => k.name)).toEqual(expect.arrayContaining([statementName(sql), statementName('SELECT $1::int + 1 AS n')]));
  });

  it('names different texts differently and the same text the same', () => {
    expect(statementName('SELECT 1')).toBe(statementName('SELECT 1'));
    expect(statementName('SELECT 1')).not.toBe(statementName('SELECT 2'));
    expect(statementName('SELECT 1')).toMatch(/^parley_[0-9a-f]{24}$/);
  });
});
