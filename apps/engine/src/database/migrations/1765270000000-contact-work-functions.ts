import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two functions for the contact work item's hot path (issue 12, h22), so a
 * pass over a contact costs two round trips around its work instead of four:
 *
 * - `parley_contact_work(contact, now, batch, take_lock)` takes the contact's
 *   advisory lock (when `take_lock`) and returns the contact's work: executions
 *   left running, pending events and due waits, each list in its order and at
 *   most `batch` long. When the lock is taken elsewhere it returns one row of
 *   kind 'busy' and nothing else.
 * - `parley_contact_release(contact, now)` lets go of the lock and says
 *   whether the contact has pending events or due waits.
 *
 * Both are VOLATILE PL/pgSQL, so in READ COMMITTED each query inside takes its
 * own snapshot: the work is read after the lock is held, and the pending
 * check sees everything committed before the unlock, exactly as when they were
 * separate statements (a dispatch refused while we held the lock is found).
 * The lock keys are the ones of `orchestration/contact-lock.ts` (class 72001,
 * hashtext of the contact id); the sweeper's pg_locks check relies on them.
 */
export class ContactWorkFunctions1765270000000 implements MigrationInterface {
  name = 'ContactWorkFunctions1765270000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION parley_contact_work(p_contact uuid, p_now timestamptz, p_batch integer, p_take_lock boolean)
        RETURNS TABLE (kind text, id text, at timestamptz, workspace_id uuid, type text, payload jsonb,
                       flow_id uuid, trigger_event_id text, contact_id uuid)
        LANGUAGE plpgsql VOLATILE AS $$
      #variable_conflict use_column
      BEGIN
        IF p_take_lock AND NOT pg_try_advisory_lock(72001, hashtext(p_contact::text)) THEN
          RETURN QUERY SELECT 'busy'::text, NULL::text, NULL::timestamptz, NULL::uuid, NULL::text, NULL::jsonb,
                              NULL::uuid, NULL::text, p_contact;
          RETURN;
        END IF;
        RETURN QUERY
          SELECT * FROM (SELECT 'orphan'::text, x.id::text, x.started_at, x.workspace_id, NULL::text, NULL::jsonb,
                                NULL::uuid, NULL::text, x.contact_id
                           FROM executions x WHERE x.contact_id = p_contact AND x.status = 'running' ORDER BY x.started_at) o
          UNION ALL
          SELECT * FROM (SELECT 'event'::text, e.id::text, e.occurred_at, e.workspace_id, e.type::text, e.payload,
                                NULL::uuid, NULL::text, e.contact_id
                           FROM events e WHERE e.contact_id = p_contact AND e.processed_at IS NULL
                          ORDER BY e.occurred_at, e.id LIMIT p_batch) ev
          UNION ALL
          SELECT * FROM (SELECT 'wait'::text, w.id::text, w.due_at, w.workspace_id, w.kind::text, NULL::jsonb,
                                w.flow_id, w.trigger_event_id::text, w.contact_id
                           FROM waits w WHERE w.contact_id = p_contact AND w.status = 'waiting'
                            AND w.due_at <= coalesce(p_now, now())
                          ORDER BY w.due_at LIMIT p_batch) wt;
      END;
      $$;

      CREATE FUNCTION parley_contact_release(p_contact uuid, p_now timestamptz) RETURNS boolean
        LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM pg_advisory_unlock(72001, hashtext(p_contact::text));
        RETURN EXISTS (SELECT 1 FROM events WHERE contact_id = p_contact AND processed_at IS NULL)
            OR EXISTS (SELECT 1 FROM waits WHERE contact_id = p_contact AND status = 'waiting'
                        AND due_at <= coalesce(p_now, now()));
      END;
      $$;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP FUNCTION parley_contact_release(uuid, timestamptz);
      DROP FUNCTION parley_contact_work(uuid, timestamptz, integer, boolean);
    `);
  }
}
