import { createHash } from 'node:crypto';
import { Client, DatabaseError, Pool, type QueryResult } from 'pg';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import type { z } from 'zod';
import { type SqlExecutor, sqlRows } from '../database/sql-rows';

/**
 * Where a hot statement runs: the pool (a DataSource, its manager), a transaction's manager, or a held connection
 * (a QueryRunner); any other executor runs the text unprepared.
 */
export type PreparedExecutor = SqlExecutor;

/** A named statement per distinct SQL text; the same text gets the same name on every connection. */
function statementName(sql: string): string {
  return `parley_h_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
}

const names = new Map<string, string>();

function nameOf(sql: string): string {
  let name = names.get(sql);
  if (name === undefined) {
    name = statementName(sql);
    names.set(sql, name);
  }
  return name;
}

function poolOf(dataSource: DataSource): Pool | null {
  const driver = dataSource.driver;
  const pool: unknown = driver instanceof PostgresDriver ? driver.master : null;
  return pool instanceof Pool ? pool : null;
}

/** The node-postgres client or pool `executor` runs on, or null for another driver. */
async function targetOf(executor: PreparedExecutor): Promise<Client | Pool | null> {
  if (executor instanceof DataSource) return poolOf(executor);
  if (executor instanceof EntityManager) {
    if (!executor.queryRunner) return poolOf(executor.connection);
    const client: unknown = await executor.queryRunner.connect();
    return client instanceof Client ? client : null;
  }
  if (!(executor instanceof PostgresQueryRunner)) return null;
  const client: unknown = await executor.connect();
  return client instanceof Client ? client : null;
}

/**
 * Runs `sql` as a named prepared statement: each connection parses and plans
 * the text once, then only binds and executes it. The per-message statements
 * (contact lock, step writes, sends) were parsed and planned on every call,
 * and on the peers bench parse, plan and protocol took about three quarters
 * of PostgreSQL's CPU per message, the statements' own execution a quarter
 * (docs/BENCHMARKS.md, issue 12, h35). Errors are TypeORM's
 * `QueryFailedError`, as from `query()`, so callers' checks of SQLSTATE codes
 * hold. Falls back to `query()` when the driver is not node-postgres.
 */
export async function preparedQuery(executor: PreparedExecutor, sql: string, parameters: unknown[]): Promise<QueryResult | null> {
  const target = await targetOf(executor);
  if (target === null) return null;
  const query = { name: nameOf(sql), text: sql, values: parameters };
  try {
    if (target instanceof Client) return await target.query(query);
    // Not pool.query(): it destroys the connection on any failed statement (a unique violation too), and with it
    // the statements prepared there; TypeORM's query() gives the connection back, and so does this.
    const client = await target.connect();
    // pg-pool takes its own error listener off a client it hands out; a connection the server ends mid-statement
    // (a restart, a crash, a full WAL volume) then emits 'error' with no listener, which ends the process. The
    // statement's rejection below already carries that error, and the release drops the connection.
    const onConnectionError = (): void => undefined;
    client.on('error', onConnectionError);
    let result: QueryResult;
    try {
      result = await client.query(query);
    } catch (error) {
      // A statement the server refused (severity ERROR) leaves the connection sound; a FATAL or PANIC (the session
      // ended by a shutdown, a crash, pg_terminate_backend) or a dropped socket does not, and the pool must drop it.
      client.removeListener('error', onConnectionError);
      const sound = error instanceof DatabaseError && error.severity === 'ERROR';
      client.release(sound ? undefined : error instanceof Error ? error : true);
      throw error;
    }
    client.removeListener('error', onConnectionError);
    client.release();
    return result;
  } catch (error) {
    if (error instanceof Error) throw new QueryFailedError(sql, parameters, error);
    throw error;
  }
}

/** `sqlRows` as a prepared statement (see `preparedQuery`): every row checked against `row`. */
export async function preparedSqlRows<T extends z.ZodType>(
  executor: PreparedExecutor,
  row: T,
  sql: string,
  parameters: unknown[],
): Promise<z.infer<T>[]> {
  const result = await preparedQuery(executor, sql, parameters);
  if (result === null) return sqlRows(executor, row, sql, parameters);
  return result.rows.map((value) => row.parse(value));
}

/** Like `preparedSqlRows` for a statement that returns at most one row. */
export async function preparedSqlRow<T extends z.ZodType>(
  executor: PreparedExecutor,
  row: T,
  sql: string,
  parameters: unknown[],
): Promise<z.infer<T> | undefined> {
  return (await preparedSqlRows(executor, row, sql, parameters))[0];
}

/** Runs a prepared statement for its effect; answers how many rows it changed (or returned). */
export async function preparedExecute(executor: PreparedExecutor, sql: string, parameters: unknown[]): Promise<number> {
  const result = await preparedQuery(executor, sql, parameters);
  if (result !== null) return result.rowCount ?? 0;
  const raw: unknown = await executor.query(sql, parameters);
  // TypeORM answers UPDATE and DELETE with [rows, affected count], other statements with the rows.
  if (Array.isArray(raw) && raw.length === 2 && typeof raw[1] === 'number') return raw[1];
  return Array.isArray(raw) ? raw.length : 0;
}
