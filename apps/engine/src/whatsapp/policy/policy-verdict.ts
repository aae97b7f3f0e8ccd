/** The rules a send can meet, by the name recorded on the step. */
export type PolicyRule =
  | 'customer_service_window'
  | 'consent'
  | 'template_without_opt_in'
  | 'same_content'
  | 'marketing_frequency'
  | 'notification_spacing'
  | 'us_marketing'
  | 'quiet_hours'
  | 'paused'
  | 'template_status'
  | 'template_parameters'
  | 'recipient_spacing'
  | 'number_throughput'
  | 'daily_recipient_limit';

/** What the gate decided, with the numbers behind it (recorded on the execution step). */
export type PolicyVerdict =
  | { verdict: 'allow'; useFallback: boolean }
  | { verdict: 'block'; rule: PolicyRule; reason: string; numbers: Record<string, unknown> }
  | { verdict: 'defer'; rule: PolicyRule; reason: string; until: Date; numbers: Record<string, unknown> };

export function block(rule: PolicyRule, reason: string, numbers: Record<string, unknown> = {}): PolicyVerdict {
  return { verdict: 'block', rule, reason, numbers };
}

export function defer(rule: PolicyRule, until: Date, reason: string, numbers: Record<string, unknown> = {}): PolicyVerdict {
  return { verdict: 'defer', rule, reason, until, numbers };
}
