import { DataSource } from 'typeorm';
import { z } from 'zod';
import { dataSourceOptions } from './data-source-options';

describe('dataSourceOptions', () => {
  const url = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  let dataSource: DataSource | undefined;

  afterEach(async () => {
    await dataSource?.destroy();
    dataSource = undefined;
  });

  it('opens every pooled connection with JIT off, whatever the server’s default', async () => {
    dataSource = new DataSource(dataSourceOptions({ DATABASE_URL: url, DATABASE_POOL_SIZE: 2, DATABASE_POOL_IDLE_MS: 300_000 }));
    await dataSource.initialize();
    const runners = [dataSource.createQueryRunner(), dataSource.createQueryRunner()];
    try {
      for (const runner of runners) {
        await runner.connect();
        const rows: unknown = await runner.query('SHOW jit');
        expect(rows).toEqual([{ jit: 'off' }]);
      }
    } finally {
      for (const runner of runners) await runner.release();
    }
  });

  // node-postgres closes a connection idle for 10 s by default; the engine keeps its connections warm longer.
  const poolCount = (source: DataSource): number =>
    z.object({ totalCount: z.number() }).parse(Reflect.get(source.driver, 'master')).totalCount;

  it('closes an idle pooled connection only after DATABASE_POOL_IDLE_MS, and never with 0', async () => {
    const short = new DataSource(dataSourceOptions({ DATABASE_URL: url, DATABASE_POOL_SIZE: 2, DATABASE_POOL_IDLE_MS: 100 }));
    dataSource = new DataSource(dataSourceOptions({ DATABASE_URL: url, DATABASE_POOL_SIZE: 2, DATABASE_POOL_IDLE_MS: 0 }));
    await Promise.all([short.initialize(), dataSource.initialize()]);
    try {
      await Promise.all([short.query('SELECT 1'), dataSource.query('SELECT 1')]);
      expect([poolCount(short), poolCount(dataSource)]).toEqual([1, 1]);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect([poolCount(short), poolCount(dataSource)]).toEqual([0, 1]);
    } finally {
      await short.destroy();
    }
  });
});
