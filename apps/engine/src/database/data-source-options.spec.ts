import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

describe('dataSourceOptions', () => {
  const url = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  let dataSource: DataSource | undefined;

  afterEach(async () => {
    await dataSource?.destroy();
    dataSource = undefined;
  });

  it('opens every pooled connection with JIT off, whatever the server’s default', async () => {
    dataSource = new DataSource(dataSourceOptions({ DATABASE_URL: url, DATABASE_POOL_SIZE: 2 }));
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
});
