import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `parley_contact_work` with a fifth argument, `p_say_idle` (issue 12): when
 * true, the work also carries one row of kind 'idle' if the contact has no
 * active execution (running, waiting or held). A pass that gets it needs no
 * look for executions to end or event waits to wake before its first event
 * (an event wait belongs to an active execution): a new customer's first
 * message costs one statement less. The four-argument function stays, as it
 * is, for engines of the previous release still running during an upgrade.
 * Read after the lock is taken, in the function's own snapshot, as the rest.
 */
export class ContactWorkIdle1765296000000 implements MigrationInterface {
  name = 'ContactWorkIdle1765296000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION parley_contact_work(p_contact uuid, p_now timestamptz, p_batch integer, p_take_lock boolean, p_say_idle boolean)
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
                          ORDER BY w.due_at LIMIT p_batch) wt
          UNION ALL
          SELECT 'idle'::text, NULL::text, NULL::timestamptz, NULL::uuid, NULL::text, NULL::jsonb, NULL::uuid, NULL::text, p_contact
           WHERE p_say_idle
             AND NOT EXISTS (SELECT 1 FROM executions x
                              WHERE x.contact_id = p_contact AND x.status IN ('running', 'waiting', 'held'));
      END;
      $$;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION parley_contact_work(uuid, timestamptz, integer, boolean, boolean)');
  }
}
