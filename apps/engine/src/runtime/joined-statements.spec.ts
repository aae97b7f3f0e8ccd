import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database';
import { runJoined, sqlLiteral } from './joined-statements';

describe('joined statements (several statements in one round trip, values written in)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.url, extra: { max: 2 } }).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('writes every value so that PostgreSQL reads it back unchanged', async () => {
    const connection = dataSource.createQueryRunner();
    try {
      const at = new Date('2026-12-07T10:11:12.345Z');
      const hostile = `it's a \\ "quote"; DROP TABLE x; --`;
      const answers = await runJoined(connection, [
        `SELECT ${sqlLiteral('5f1b7c1e-2b9a-4c1e-9d0e-1a2b3c4d5e6f', 'uuid')} AS u, ${sqlLiteral(at, 'timestamptz')} AS t,
                ${sqlLiteral(null, 'timestamptz')} AS n, ${sqlLiteral(25, 'integer')} AS i, ${sqlLiteral(true, 'boolean')} AS b,
                ${sqlLiteral(['1', '22', '333'], 'bigint[]')} AS a, ${sqlLiteral(hostile, 'text')} AS s`,
      ]);
      expect(answers[0]?.[0]).toEqual({
        u: '5f1b7c1e-2b9a-4c1e-9d0e-1a2b3c4d5e6f',
        t: at,
        n: null,
        i: 25,
        b: true,
        a: ['1', '22', '333'],
        s: hostile,
      });
    } finally {
      await connection.release();
    }
  });

  it('refuses what it cannot write safely: a type that is no type name, an array element that is no plain word', () => {
    expect(() => sqlLiteral('x', 'text; DROP TABLE x')).toThrow(/not a type name/);
    expect(() => sqlLiteral(['1', '2"}'], 'bigint[]')).toThrow(/not a plain array element/);
    expect(() => sqlLiteral(Number.NaN, 'integer')).toThrow(/not a finite number/);
  });

  it('answers each statement its rows, in order, and stops at the first error', async () => {
    const connection = dataSource.createQueryRunner();
    try {
      await connection.query('CREATE TEMP TABLE joined_spec (id int PRIMARY KEY)');
      const answers = await runJoined(connection, ['INSERT INTO joined_spec VALUES (1)', 'SELECT id FROM joined_spec', 'SELECT 2 AS two']);
      expect(answers).toEqual([[], [{ id: 1 }], [{ two: 2 }]]);
      await expect(
        runJoined(connection, [
          'INSERT INTO joined_spec VALUES (2)',
          'INSERT INTO joined_spec VALUES (1)',
          'INSERT INTO joined_spec VALUES (3)',
        ]),
      ).rejects.toThrow(/duplicate key/);
      // Outside an explicit transaction the string runs as one: nothing of it stays.
      expect(await connection.query('SELECT id FROM joined_spec ORDER BY id')).toEqual([{ id: 1 }]);
    } finally {
      await connection.release();
    }
  });
});
