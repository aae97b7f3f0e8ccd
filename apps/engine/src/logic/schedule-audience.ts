/** Where a schedule's audience condition finds its values: SQL parameter placeholders such as `$6`. */
export interface ScheduleAudienceParameters {
  tags: string;
  excludeTags: string;
  list: string;
  unansweredForHours: string;
  now: string;
}

/**
 * The condition on contact `c` for an "On a schedule" trigger's audience
 * (any of the tags, none of the excluded, the list, waiting for our answer
 * for so many hours). One text for the scheduler that starts the runs and for
 * the pre-flight estimate that counts them, so the two never disagree.
 */
export function scheduleAudienceCondition(p: ScheduleAudienceParameters): string {
  return `(cardinality(${p.tags}::text[]) = 0 OR EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = ANY(${p.tags})))
              AND NOT EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = ANY(${p.excludeTags}))
              AND (${p.list}::text IS NULL OR c.list = ${p.list})
              AND (${p.unansweredForHours}::int IS NULL OR EXISTS (
                    SELECT 1 FROM (SELECT direction, occurred_at FROM messages m WHERE m.contact_id = c.id ORDER BY occurred_at DESC, created_at DESC LIMIT 1) last
                     WHERE last.direction = 'inbound' AND last.occurred_at <= ${p.now}::timestamptz - make_interval(hours => ${p.unansweredForHours})))`;
}
