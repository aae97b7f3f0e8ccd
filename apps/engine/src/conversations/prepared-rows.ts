import { createHash } from 'node:crypto';
import { Client, Pool } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { z } from 'zod';
import { sqlRows } from '../database/sql-rows';

/** The name of a prepared statement: one per distinct SQL text (a filter combination of the list is its own text). */
export function statementName(sql: string): string {
  return `parley_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
}

/**
 * Runs a hot read (the inbox list, its counts, a timeline page) as a named
 * prepared statement on the data source's own pool: each connection parses
 * and plans the text once and then only executes it, where `DataSource.query`
 * sends the text to be parsed and planned on every call. Under a loaded CPU
 * planning the list's page cost more than running it (docs/BENCHMARKS.md,
 * "Inbox (issue 11, part 2)"). Falls back to `sqlRows` when the pool is not
 * node-postgres's (another driver).
 */
export async function preparedRows<T extends z.ZodType>(
  dataSource: DataSource,
  row: T,
  sql: string,
  parameters: unknown[],
): Promise<z.infer<T>[]> {
  const driver = dataSource.driver;
  const pool: unknown = driver instanceof PostgresDriver ? driver.master : null;
  if (!(pool instanceof Pool)) return sqlRows(dataSource, row, sql, parameters);
  const result = await pool.query({ name: statementName(sql), text: sql, values: parameters });
  return result.rows.map((value) => row.parse(value));
}

/** Like `preparedRows` for a query that returns at most one row. */
export async function preparedRow<T extends z.ZodType>(
  dataSource: DataSource,
  row: T,
  sql: string,
  parameters: unknown[],
): Promise<z.infer<T> | undefined> {
  return (await preparedRows(dataSource, row, sql, parameters))[0];
}

/**
 * Like `preparedRows`, inside a transaction: the statement is prepared on the
 * transaction's own connection (planned once per connection, then only
 * executed). For the statements every webhook runs, whose planning under a
 * loaded CPU took longer than running them. Falls back to `sqlRows` when the
 * connection is not node-postgres's.
 */
export async function preparedRowsIn<T extends z.ZodType>(
  manager: EntityManager,
  row: T,
  sql: string,
  parameters: unknown[],
): Promise<z.infer<T>[]> {
  const connection: unknown = manager.queryRunner ? await manager.queryRunner.connect() : null;
  if (!(connection instanceof Client)) return sqlRows(manager, row, sql, parameters);
  const result = await connection.query({ name: statementName(sql), text: sql, values: parameters });
  return result.rows.map((value) => row.parse(value));
}
