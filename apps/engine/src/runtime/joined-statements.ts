import { Client, escapeLiteral } from 'pg';
import { QueryFailedError, type QueryRunner } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';

/**
 * Several statements in one round trip (PostgreSQL's simple query protocol
 * takes a string of statements separated by semicolons and answers them
 * together). A contact pass pays for its round trips more than for its
 * statements: on the peers bench each one costs a socket write and a wake-up
 * on both sides, about a millisecond of CPU on a 2-core machine, while the
 * statements themselves are cheap (docs/BENCHMARKS.md, issue 12). The
 * transaction's own BEGIN and COMMIT therefore carry the statements next to
 * them (runtime/work-transaction.ts).
 *
 * The simple protocol takes no parameters: values are written in with
 * `sqlLiteral`, which quotes every one of them, so no value can end its
 * literal. The statements run in order and stop at the first error, which is
 * thrown as TypeORM's `QueryFailedError`, as from `query()`.
 */

/** A value for a joined statement, written as an SQL literal of its type. */
export type SqlLiteralValue = string | number | boolean | Date | null | readonly string[];

/** `value` as a quoted SQL literal cast to `type` (e.g. 'uuid', 'timestamptz', 'bigint[]'). */
export function sqlLiteral(value: SqlLiteralValue, type: string): string {
  if (!/^[a-z_][a-z0-9_ ]*(\[\])?$/.test(type)) throw new Error(`not a type name: ${type}`);
  if (value === null) return `NULL::${type}`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return `${escapeLiteral(String(value))}::${type}`;
  }
  if (typeof value === 'boolean') return `${value ? 'true' : 'false'}::${type}`;
  if (value instanceof Date) return `${escapeLiteral(value.toISOString())}::${type}`;
  if (typeof value === 'string') return `${escapeLiteral(value)}::${type}`;
  // An array of plain words (ids): written as an array literal, each element double-quoted.
  const elements = value.map((element) => {
    if (!/^[A-Za-z0-9_.:-]*$/.test(element)) throw new Error(`not a plain array element: ${element}`);
    return `"${element}"`;
  });
  return `${escapeLiteral(`{${elements.join(',')}}`)}::${type}`;
}

/** The node-postgres client a held connection runs on, or null for another driver. */
async function clientOf(connection: QueryRunner): Promise<Client | null> {
  if (!(connection instanceof PostgresQueryRunner)) return null;
  const client: unknown = await connection.connect();
  return client instanceof Client ? client : null;
}

function rowsOf(result: unknown): unknown[] {
  if (typeof result !== 'object' || result === null || !('rows' in result)) return [];
  const rows: unknown = result.rows;
  return Array.isArray(rows) ? rows : [];
}

/**
 * Runs `statements` (complete, values written in) in one round trip on the
 * held `connection`; answers each statement's rows, in order.
 */
export async function runJoined(connection: QueryRunner, statements: readonly string[]): Promise<unknown[][]> {
  if (statements.length === 0) return [];
  const client = await clientOf(connection);
  if (client === null) {
    const answers: unknown[][] = [];
    for (const sql of statements) {
      const rows: unknown = await connection.query(sql);
      answers.push(Array.isArray(rows) ? rows : []);
    }
    return answers;
  }
  const text = statements.join(';\n');
  let result: unknown;
  try {
    result = await client.query(text);
  } catch (error) {
    if (error instanceof Error) throw new QueryFailedError(text, [], error);
    throw error;
  }
  // One statement answers one result; several answer an array of them.
  return Array.isArray(result) ? result.map(rowsOf) : [rowsOf(result)];
}
