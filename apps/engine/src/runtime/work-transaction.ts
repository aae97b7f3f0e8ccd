import type { EntityManager, QueryRunner } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { runJoined } from './joined-statements';

/**
 * The transaction a contact's work runs in (issue 12): the event processor
 * opens it on the connection that holds the contact's lock, and everything
 * the pass writes through its `manager` commits together, instead of one
 * commit per statement. `checkpoint` commits what is written so far and goes
 * on in a new transaction on the same connection; it is called where the
 * durability guarantees need a commit before going on:
 *
 * - before a step with side effects runs (its execution and "running" step
 *   row are then stored, so an effect made through another connection is
 *   never tied to an execution a rollback could take back);
 * - by the sender, after its claim and before the HTTP call (exactly-once:
 *   the claim is committed before Meta is called, the result after).
 *
 * BEGIN and COMMIT cost a round trip each; the statements next to them ride
 * along (runtime/joined-statements.ts): the pass's first statement goes with
 * BEGIN, a checkpoint's COMMIT and BEGIN go together, and what the pass asks
 * to run last before the commit (`beforeCommit`) and first after it
 * (`afterCommit`) goes with the COMMIT.
 */
export interface WorkTransaction {
  readonly manager: EntityManager;
  /**
   * Commits what is written so far and goes on in a new transaction. `riding`
   * (values written in) runs last before the COMMIT, in its round trip; its
   * rows are the answer (none without it).
   */
  checkpoint(riding?: string): Promise<readonly unknown[]>;
  /**
   * Runs `sql` (values written in) at the next commit, just before it and in
   * its round trip. For a write nothing later in the pass reads: the events'
   * processed mark at the end of a pass.
   */
  beforeCommit(sql: string): void;
  /**
   * Runs `sql` (values written in) after the final commit, in its round trip,
   * only when the commit succeeded; its rows are what `inWorkTransaction`
   * answers as `after`. For what must follow the commit: letting go of the
   * contact's lock.
   */
  afterCommit(sql: string): void;
}

/** The work transactions open now, by the manager they write with (so code handed only a manager can find its own). */
const open = new WeakMap<EntityManager, WorkTransaction>();

/** The work transaction `manager` belongs to, or null when it writes outside one (the pool, another transaction). */
export function workTransactionOf(manager: EntityManager): WorkTransaction | null {
  return open.get(manager) ?? null;
}

/**
 * TypeORM's flag of an open transaction, kept true while ours is open: with
 * it set, TypeORM's own writes (`save`) never open and commit a transaction
 * of their own inside ours.
 */
function markActive(connection: QueryRunner, active: boolean): void {
  if (connection instanceof PostgresQueryRunner) connection.isTransactionActive = active;
}

/** After a failed round trip: whatever it left open is rolled back (a ROLLBACK outside a transaction only warns). */
async function rollBack(connection: QueryRunner): Promise<void> {
  await runJoined(connection, ['ROLLBACK']).catch(() => undefined);
  markActive(connection, false);
}

/** What a work transaction answers: the body's result and the rows of the statement run after the commit. */
export interface WorkTransactionOutcome<T> {
  result: T;
  after: readonly unknown[];
}

/**
 * Runs `body` in a work transaction on `connection` (which must not be in a
 * transaction) and commits it; rolls back and rethrows the body's own error
 * when it fails, whatever the rollback does (a dropped connection must surface
 * as the transient error it is). `opening` (values written in) runs first,
 * in BEGIN's round trip; the body gets its rows.
 */
export async function inWorkTransaction<T>(
  connection: QueryRunner,
  body: (work: WorkTransaction, opened: readonly unknown[]) => Promise<T>,
  opening?: string,
): Promise<WorkTransactionOutcome<T>> {
  // What the pass asked to run next to the commit; a checkpoint runs the `before` part.
  const around: { before: string[]; after: string | null } = { before: [], after: null };
  const work: WorkTransaction = {
    manager: connection.manager,
    checkpoint: async (riding) => {
      const before = riding === undefined ? around.before : [...around.before, riding];
      around.before = [];
      const answers = await runJoined(connection, [...before, 'COMMIT', 'START TRANSACTION']);
      return riding === undefined ? [] : (answers[before.length - 1] ?? []);
    },
    beforeCommit: (sql) => {
      around.before.push(sql);
    },
    afterCommit: (sql) => {
      around.after = sql;
    },
  };
  let opened: readonly unknown[];
  try {
    const answers = await runJoined(connection, opening === undefined ? ['START TRANSACTION'] : ['START TRANSACTION', opening]);
    markActive(connection, true);
    opened = answers[1] ?? [];
  } catch (error) {
    await rollBack(connection);
    throw error;
  }
  open.set(connection.manager, work);
  try {
    const result = await body(work, opened);
    const after = around.after;
    const answers = await runJoined(connection, [...around.before, 'COMMIT', ...(after === null ? [] : [after])]);
    markActive(connection, false);
    return { result, after: after === null ? [] : (answers[answers.length - 1] ?? []) };
  } catch (error) {
    await rollBack(connection);
    throw error;
  } finally {
    open.delete(connection.manager);
  }
}
