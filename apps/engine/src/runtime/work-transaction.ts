import type { EntityManager, QueryRunner } from 'typeorm';

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
 */
export interface WorkTransaction {
  readonly manager: EntityManager;
  checkpoint(): Promise<void>;
}

/** The work transactions open now, by the manager they write with (so code handed only a manager can find its own). */
const open = new WeakMap<EntityManager, WorkTransaction>();

/** The work transaction `manager` belongs to, or null when it writes outside one (the pool, another transaction). */
export function workTransactionOf(manager: EntityManager): WorkTransaction | null {
  return open.get(manager) ?? null;
}

/**
 * Runs `body` in a work transaction on `connection` (which must not be in a
 * transaction) and commits it; rolls back and rethrows the body's own error
 * when it fails, whatever the rollback does (a dropped connection must surface
 * as the transient error it is).
 */
export async function inWorkTransaction<T>(connection: QueryRunner, body: (work: WorkTransaction) => Promise<T>): Promise<T> {
  const work: WorkTransaction = {
    manager: connection.manager,
    checkpoint: async () => {
      await connection.commitTransaction();
      await connection.startTransaction();
    },
  };
  await connection.startTransaction();
  open.set(connection.manager, work);
  try {
    const result = await body(work);
    await connection.commitTransaction();
    return result;
  } catch (error) {
    if (connection.isTransactionActive) await connection.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    open.delete(connection.manager);
  }
}
