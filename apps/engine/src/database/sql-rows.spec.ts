import { z } from 'zod';
import { sqlRow, sqlRows } from './sql-rows';

const fake = (result: unknown) => ({ query: async () => result });

describe('sqlRows', () => {
  const row = z.object({ id: z.string() });

  it('validates SELECT and INSERT ... RETURNING rows', async () => {
    expect(await sqlRows(fake([{ id: 'a' }, { id: 'b' }]), row, 'SELECT')).toEqual([{ id: 'a' }, { id: 'b' }]);
  });

  it('reads the rows out of TypeORM’s [rows, count] answer to UPDATE and DELETE', async () => {
    expect(await sqlRows(fake([[{ id: 'a' }], 1]), row, 'UPDATE')).toEqual([{ id: 'a' }]);
    expect(await sqlRow(fake([[], 0]), row, 'DELETE')).toBeUndefined();
  });

  it('refuses rows of the wrong shape', async () => {
    await expect(sqlRows(fake([{ id: 1 }]), row, 'SELECT')).rejects.toThrow();
    await expect(sqlRows(fake('nope'), row, 'SELECT')).rejects.toThrow('Expected rows');
  });
});
