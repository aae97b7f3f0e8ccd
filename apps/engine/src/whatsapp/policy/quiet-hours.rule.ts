import { DateTime } from 'luxon';
import type { PolicyRuleCheck } from './policy-rule';
import { defer } from './policy-verdict';

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/**
 * No marketing and no business-initiated message during the contact's night
 * (their time zone): the send waits until the quiet hours end. A reply to a
 * customer who is writing right now is not held back.
 */
export const quietHoursRule: PolicyRuleCheck = (send, facts, policy) => {
  const { quietHours } = policy;
  if (!quietHours.enabled || quietHours.start === quietHours.end) return null;
  const lastInbound = facts.contact.lastInboundAt;
  const talking = lastInbound !== null && facts.now.getTime() - lastInbound.getTime() < policy.conversationActiveMinutes * 60_000;
  if (talking) return null;
  if (send.category !== 'marketing' && send.kind !== 'template') return null;

  const local = DateTime.fromJSDate(facts.now, { zone: facts.contact.timeZone });
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  const quiet = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!quiet) return null;
  let resume = local.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  if (resume <= local) resume = resume.plus({ days: 1 });
  return defer(
    'quiet_hours',
    resume.toJSDate(),
    `It is ${local.toFormat('HH:mm')} for the contact (${facts.contact.timeZone}); quiet hours run ${quietHours.start}-${quietHours.end}.`,
    {
      localTime: local.toFormat('HH:mm'),
      timeZone: facts.contact.timeZone,
      quietHours: `${quietHours.start}-${quietHours.end}`,
      resumeAt: resume.toUTC().toISO(),
    },
  );
};
