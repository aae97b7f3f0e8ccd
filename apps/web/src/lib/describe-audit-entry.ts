import type { AuditEntry } from './audit-view';

/** The person (name, else email), the API key (name and prefix) a change was made with, or "Someone". */
export function describeActor(entry: Pick<AuditEntry, 'actor' | 'actorApiKey'>): string {
  if (entry.actorApiKey)
    return `API key “${entry.actorApiKey.name}” (${entry.actorApiKey.prefix ? `${entry.actorApiKey.prefix}…` : 'no prefix'})`;
  if (!entry.actor) return 'Someone';
  return entry.actor.name && entry.actor.name.length > 0 ? entry.actor.name : (entry.actor.email ?? 'A deleted user');
}

function text(value: unknown): string | null {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

/** "High intent" (the subject's current name), or its kind and a short id. */
function subject(entry: AuditEntry): string {
  if (entry.subjectLabel) return entry.subjectLabel;
  if (entry.subjectId) return `${entry.subjectType.replace(/_/g, ' ')} ${entry.subjectId.slice(0, 8)}`;
  return entry.subjectType.replace(/_/g, ' ');
}

/** What a pause covered: "for the contact Anna", "for the flow High intent", "for the whole workspace". */
function pauseScope(entry: AuditEntry): string {
  if (entry.subjectType === 'workspace') return 'for the whole workspace';
  return `for the ${entry.subjectType === 'flow' ? 'flow' : 'contact'} ${subject(entry)}`;
}

/** " until 2026-03-02 18:00 UTC", or " until resumed" for a pause without an end. */
function pauseUntil(value: unknown): string {
  const until = text(value);
  if (!until) return ' until resumed';
  const at = new Date(until);
  return Number.isNaN(at.getTime()) ? '' : ` until ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "a message", "the template order_ready", "an image", "a document". */
function agentMessageKind(details: Record<string, unknown>): string {
  const template = text(details['template']);
  if (template) return `the template ${template}`;
  const type = text(details['type']);
  if (type === null || type === 'text') return 'a message';
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

/**
 * The entry as a sentence: "Anna published High intent v4". Actions this
 * page does not know yet read "Anna: flow.something on …", never nothing.
 */
export function describeAuditEntry(entry: AuditEntry): string {
  const who = describeActor(entry);
  const d = entry.details;
  const version = text(d['version']);
  const count = text(d['count']) ?? text(d['total']);
  switch (entry.action) {
    case 'user.login':
      return `${who} signed in`;
    case 'user.login_failed':
      return `Failed sign-in as ${text(d['email']) ?? subject(entry)}`;
    case 'user.created':
      return `${who} added the user ${subject(entry)}${text(d['role']) ? ` as ${text(d['role'])}` : ''}`;
    case 'user.updated':
      return `${who} changed the user ${subject(entry)}`;
    case 'flow.created':
      return `${who} created ${subject(entry)}`;
    case 'flow.edited':
      return `${who} edited ${subject(entry)}`;
    case 'flow.published':
      return `${who} published ${subject(entry)}${version ? ` v${version}` : ''}`;
    case 'flow.unpublished':
      return `${who} unpublished ${subject(entry)}`;
    case 'flow.rolled_back':
      return `${who} rolled ${subject(entry)} back to v${version ?? '?'}`;
    case 'flow.archived':
      return `${who} archived ${subject(entry)}`;
    case 'flow.restored':
      return `${who} restored ${subject(entry)}`;
    case 'flow.deleted':
      return `${who} deleted the flow ${text(d['name']) ?? subject(entry)}`;
    case 'flow.test_run':
      return `${who} test-ran ${subject(entry)}`;
    case 'automation.paused':
      return `${who} paused automation ${pauseScope(entry)}${pauseUntil(d['until'])}`;
    case 'automation.resumed':
      return `${who} resumed automation ${pauseScope(entry)}`;
    case 'automation.pause_extended':
      return `${who} extended the pause ${pauseScope(entry)}${pauseUntil(d['until'])}`;
    case 'execution.retried':
      return `${who} retried an execution${text(d['node']) ? ` from step ${text(d['node'])}` : ''}${
        d['onVersion'] === 'latest' && text(d['toVersion'])
          ? ` on the latest version (v${text(d['fromVersion']) ?? '?'} → v${text(d['toVersion'])})`
          : ''
      }`;
    case 'execution.cancelled':
      return `${who} cancelled an execution`;
    case 'execution.wait_skipped':
      return `${who} skipped the wait of a test run`;
    case 'executions.bulk_retry_started':
      return `${who} started a bulk retry of ${count ?? '?'} executions${d['onVersion'] === 'latest' ? ' on their latest versions' : ''}`;
    case 'executions.bulk_retry_finished':
      return `Bulk retry by ${who} finished: ${text(d['succeeded']) ?? '?'} of ${count ?? '?'} retried`;
    case 'executions.bulk_cancel_started':
      return `${who} started a bulk cancel of ${count ?? '?'} executions`;
    case 'executions.bulk_cancel_finished':
      return `Bulk cancel by ${who} finished: ${text(d['succeeded']) ?? '?'} of ${count ?? '?'} cancelled`;
    case 'api_key.created':
      return `${who} created the API key ${subject(entry)}`;
    case 'api_key.revoked':
      return `${who} revoked the API key ${subject(entry)}`;
    case 'whatsapp_number.created':
      return `${who} added a WhatsApp number`;
    case 'whatsapp_number.token_rotated':
      return `${who} rotated a WhatsApp number's token`;
    case 'whatsapp_templates.synced':
      return `${who} synced the message templates`;
    case 'workspace.settings_updated':
      return `${who} changed the workspace settings`;
    case 'audit.exported':
      return `${who} exported the audit trail`;
    case 'webhook.replayed':
      return `${who} replayed a parked webhook delivery (${subject(entry)})`;
    case 'workspace.member_added':
      return `${who} added ${text(d['email']) ?? subject(entry)} to a workspace as ${text(d['role']) ?? '?'}`;
    case 'workspace.member_removed':
      return `${who} removed ${text(d['email']) ?? subject(entry)} from a workspace`;
    case 'user.switched_workspace':
      return `${who} switched to this workspace`;
    case 'conversation.agent_message':
      return `${who} sent ${agentMessageKind(d)} to ${subject(entry)}`;
    default:
      return `${who}: ${entry.action} on ${subject(entry)}`;
  }
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

const changeSchemaKeys = ['before', 'after'] as const;

function isChange(value: unknown): value is { before: unknown; after: unknown } {
  return typeof value === 'object' && value !== null && changeSchemaKeys.every((key) => key in value);
}

/**
 * The before/after pairs an entry carries, whichever of the engine's shapes:
 * `changes: [{ path, before, after }]` (settings) or `changes: { field: { before, after } }` (flow edits).
 */
export function fieldChanges(entry: AuditEntry): FieldChange[] {
  const changes = entry.details['changes'];
  if (Array.isArray(changes)) {
    return changes.flatMap((change: unknown) => {
      if (!isChange(change)) return [];
      const path = 'path' in change ? change.path : 'field' in change ? change.field : '';
      return [{ field: Array.isArray(path) ? path.join('.') : String(path), before: change.before, after: change.after }];
    });
  }
  if (typeof changes === 'object' && changes !== null) {
    return Object.entries(changes).flatMap(([field, change]) =>
      isChange(change) ? [{ field, before: change.before, after: change.after }] : [],
    );
  }
  return [];
}

/** What an edit did to a flow's steps, in sentences (recorded with the edit). */
export function stepChanges(entry: AuditEntry): string[] {
  const steps = entry.details['steps'];
  return Array.isArray(steps) ? steps.filter((s): s is string => typeof s === 'string') : [];
}
