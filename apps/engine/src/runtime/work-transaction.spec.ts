import { DataSource } from 'typeorm';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database';
import { preparedExecute, preparedSqlRows } from './prepared-sql';
import { inWorkTransaction, workTransactionOf } from './work-transaction';

const idRow = z.object({ id: z.number() });

describe('inWorkTransaction (a contact pass in as few commits as its guarantees allow)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const table = 'work_transaction_spec';

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.url, extra: { max: 3 } }).initialize();
    await dataSource.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
  });
  beforeEach(async () => {
    await dataSource.query(`TRUNCATE ${table}`);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  /** What another connection sees: only what was committed. */
  const committed = async (): Promise<number[]> =>
    (await preparedSqlRows(dataSource, idRow, `SELECT id FROM ${table} ORDER BY id`, [])).map((r) => r.id);
  const insert = (work: { manager: DataSource['manager'] }, id: number) =>
    preparedExecute(work.manager, `INSERT INTO ${table} (id) VALUES ($1)`, [id]);

  it('commits everything at the end, and nothing is visible elsewhere before', async () => {
    const connection = dataSource.createQueryRunner();
    try {
      const { result: seenInside } = await inWorkTransaction(connection, async (work) => {
        await insert(work, 1);
        await insert(work, 2);
        return committed();
      });
      expect(seenInside).toEqual([]);
      expect(await committed()).toEqual([1, 2]);
    } finally {
      await connection.release();
    }
  });

  it('a checkpoint commits what came before it; a failure after it takes back only what followed', async () => {
    const connection = dataSource.createQueryRunner();
    try {
      await expect(
        inWorkTransaction(connection, async (work) => {
          await insert(work, 1);
          await work.checkpoint();
          // Committed at the checkpoint: another connection sees it while the pass goes on (the send's claim).
          expect(await committed()).toEqual([1]);
          await insert(work, 2);
          throw new Error('the step failed');
        }),
      ).rejects.toThrow('the step failed');
      expect(await committed()).toEqual([1]);
      // The connection is usable again, outside any transaction.
      expect(connection.isTransactionActive).toBe(false);
      await preparedExecute(connection, `INSERT INTO ${table} (id) VALUES ($1)`, [3]);
      expect(await committed()).toEqual([1, 3]);
    } finally {
      await connection.release();
    }
  });

  it('surfaces the statement error itself, not the rollback, and leaves nothing of the failed part', async () => {
    const connection = dataSource.createQueryRunner();
    try {
      await expect(
        inWorkTransaction(connection, async (work) => {
          await insert(work, 1);
          await insert(work, 1);
        }),
      ).rejects.toThrow(/duplicate key/);
      expect(await committed()).toEqual([]);
    } finally {
      await connection.release();
    }
  });

  it('is found from its manager while it runs, and not after', async () => {
    const connection = dataSource.createQueryRunner();
    try {
      let inside: unknown = null;
      await inWorkTransaction(connection, async (work) => {
        inside = workTransactionOf(connection.manager);
        expect(inside).toBe(work);
      });
      expect(inside).not.toBeNull();
      expect(workTransactionOf(connection.manager)).toBeNull();
      expect(workTransactionOf(dataSource.manager)).toBeNull();
    } finally {
      await connection.release();
    }
  });

  it("runs the opening statement in BEGIN's transaction and hands its rows to the body", async () => {
    const connection = dataSource.createQueryRunner();
    try {
      const { result } = await inWorkTransaction(
        connection,
        async (work, opened) => {
          // TypeORM knows a transaction is open: its own writes would not open and commit one of their own.
          expect(connection.isTransactionActive).toBe(true);
          await insert(work, 2);
          return opened;
        },
        `INSERT INTO ${table} (id) VALUES (1) RETURNING id`,
      );
      expect(result).toEqual([{ id: 1 }]);
      expect(await committed()).toEqual([1, 2]);
      expect(connection.isTransactionActive).toBe(false);
    } finally {
      await connection.release();
    }
  });

  it('a failed opening leaves nothing behind and the connection outside a transaction', async () => {
    const connection = dataSource.createQueryRunner();
    try {
      await expect(inWorkTransaction(connection, async () => undefined, `INSERT INTO ${table} (id) VALUES (1), (1)`)).rejects.toThrow(
        /duplicate key/,
      );
      expect(connection.isTransactionActive).toBe(false);
      await preparedExecute(connection, `INSERT INTO ${table} (id) VALUES ($1)`, [5]);
      expect(await committed()).toEqual([5]);
    } finally {
      await connection.release();
    }
  });

  it('runs beforeCommit inside the transaction at the next commit, and afterCommit after the final one', async () => {
    const connection = dataSource.createQueryRunner();
    try {
      const { after } = await inWorkTransaction(connection, async (work) => {
        work.beforeCommit(`INSERT INTO ${table} (id) VALUES (1)`);
        // Not run yet: nothing was written, inside the transaction either.
        expect(await preparedSqlRows(work.manager, idRow, `SELECT id FROM ${table}`, [])).toEqual([]);
        await work.checkpoint();
        expect(await committed()).toEqual([1]);
        await insert(work, 2);
        work.beforeCommit(`INSERT INTO ${table} (id) VALUES (3)`);
        // After the commit: it sees everything the transaction wrote, from another snapshot.
        work.afterCommit(`SELECT count(*)::int AS n FROM ${table}`);
      });
      expect(after).toEqual([{ n: 3 }]);
      expect(await committed()).toEqual([1, 2, 3]);
    } finally {
      await connection.release();
    }
  });

  it('a failure takes back what beforeCommit asked for, and afterCommit does not run', async () => {
    const connection = dataSource.createQueryRunner();
    try {
      await expect(
        inWorkTransaction(connection, async (work) => {
          await insert(work, 1);
          work.beforeCommit(`INSERT INTO ${table} (id) VALUES (1)`);
          work.afterCommit(`INSERT INTO ${table} (id) VALUES (9)`);
        }),
      ).rejects.toThrow(/duplicate key/);
      expect(await committed()).toEqual([]);
      expect(connection.isTransactionActive).toBe(false);
    } finally {
      await connection.release();
    }
  });

  it('a checkpoint runs its riding statement before the COMMIT and answers its rows', async () => {
    const connection = dataSource.createQueryRunner();
    try {
      await inWorkTransaction(connection, async (work) => {
        await insert(work, 1);
        const claimed = await work.checkpoint(`INSERT INTO ${table} (id) VALUES (2) ON CONFLICT DO NOTHING RETURNING id`);
        expect(claimed).toEqual([{ id: 2 }]);
        expect(await committed()).toEqual([1, 2]);
        // Nothing inserted: no rows, and the commit happened all the same.
        await insert(work, 3);
        expect(await work.checkpoint(`INSERT INTO ${table} (id) VALUES (2) ON CONFLICT DO NOTHING RETURNING id`)).toEqual([]);
        expect(await committed()).toEqual([1, 2, 3]);
        expect(await work.checkpoint()).toEqual([]);
      });
    } finally {
      await connection.release();
    }
  });
});
