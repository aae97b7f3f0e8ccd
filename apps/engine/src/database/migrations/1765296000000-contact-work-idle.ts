import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `parley_contact_work` with a fifth argument, `p_say_idle` (issue 12): when
 * true, the work also carries one row of kind 'idle' if the contact has no
 * active execution (running, waiting or held). A pass that gets it needs no
 * look for executions to end or event waits to wake before its first event
 * (an event wait belongs to an active execution): a new customer's first
 * message costs one statement less. It takes the lock itself and reads the
 * work through the four-argument function, which stays as it is for engines
 * of the previous release still running during an upgrade. Everything is
 * read after the lock is taken, each query in its own snapshot, as before.
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
        -- The lock here, so that 'idle' is never said to a session that did not get it; the work is the four-argument
        -- function's, read after the lock in its own snapshot.
        IF p_take_lock AND NOT pg_try_advisory_lock(72001, hashtext(p_contact::text)) THEN
          RETURN QUERY SELECT 'busy'::text, NULL::text, NULL::timestamptz, NULL::uuid, NULL::text, NULL::jsonb,
                              NULL::uuid, NULL::text, p_contact;
          RETURN;
        END IF;
        RETURN QUERY SELECT * FROM parley_contact_work(p_contact, p_now, p_batch, false);
        IF p_say_idle AND NOT EXISTS (SELECT 1 FROM executions x
                                       WHERE x.contact_id = p_contact AND x.status IN ('running', 'waiting', 'held')) THEN
          RETURN QUERY SELECT 'idle'::text, NULL::text, NULL::timestamptz, NULL::uuid, NULL::text, NULL::jsonb,
                              NULL::uuid, NULL::text, p_contact;
        END IF;
      END;
      $$;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION parley_contact_work(uuid, timestamptz, integer, boolean, boolean)');
  }
}
