import type { z } from 'zod';

/** Anything that runs SQL: a DataSource, an EntityManager or a QueryRunner. */
export interface SqlExecutor {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Runs a query and checks every row against `row`, so raw SQL results are
 * typed by validation rather than by a cast.
 */
export async function sqlRows<T extends z.ZodType>(
  executor: SqlExecutor,
  row: T,
  sql: string,
  parameters: unknown[] = [],
): Promise<z.infer<T>[]> {
  const result = await executor.query(sql, parameters);
  if (!Array.isArray(result)) throw new Error('Expected rows from a SELECT or RETURNING query');
  // TypeORM answers UPDATE and DELETE with [rows, affected count] instead of the rows.
  const rows: unknown[] = result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number' ? result[0] : result;
  return rows.map((value) => row.parse(value));
}

/** Like `sqlRows` for queries that return at most one row. */
export async function sqlRow<T extends z.ZodType>(
  executor: SqlExecutor,
  row: T,
  sql: string,
  parameters: unknown[] = [],
): Promise<z.infer<T> | undefined> {
  const rows = await sqlRows(executor, row, sql, parameters);
  return rows[0];
}
