import type { AuditEntry } from './audit-view';
import { describeAuditEntry, fieldChanges } from './describe-audit-entry';

function entry(overrides: Partial<AuditEntry>): AuditEntry {
  return {
    id: '1',
    chainSeq: 1,
    actor: { id: 'u1', name: 'Anna', email: 'anna@example.com' },
    actorApiKey: null,
    versionDiff: null,
    action: 'flow.published',
    subjectType: 'flow',
    subjectId: 'f1',
    subjectLabel: 'High intent',
    details: {},
    ip: null,
    userAgent: null,
    hash: 'h',
    createdAt: '2026-03-02T09:00:00Z',
    ...overrides,
  };
}

describe('audit entries as sentences', () => {
  it('says who did what to which object', () => {
    expect(describeAuditEntry(entry({ details: { version: 4 } }))).toBe('Anna published High intent v4');
    expect(describeAuditEntry(entry({ actor: { id: 'u', name: '', email: 'bo@example.com' }, action: 'flow.archived' }))).toBe(
      'bo@example.com archived High intent',
    );
    expect(
      describeAuditEntry(
        entry({ action: 'executions.bulk_retry_started', subjectType: 'bulk_job', subjectLabel: null, details: { count: 3 } }),
      ),
    ).toBe('Anna started a bulk retry of 3 executions');
    expect(
      describeAuditEntry(
        entry({
          action: 'execution.retried',
          subjectType: 'execution',
          subjectLabel: null,
          details: { node: 'reply', onVersion: 'latest', fromVersion: 2, toVersion: 3 },
        }),
      ),
    ).toBe('Anna retried an execution from step reply on the latest version (v2 → v3)');
    expect(
      describeAuditEntry(
        entry({ action: 'automation.paused', subjectType: 'contact', subjectLabel: 'Bo', details: { until: '2026-03-02T18:00:00.000Z' } }),
      ),
    ).toBe('Anna paused automation for the contact Bo until 2026-03-02 18:00 UTC');
    expect(describeAuditEntry(entry({ action: 'automation.paused', subjectType: 'flow', details: { until: null } }))).toBe(
      'Anna paused automation for the flow High intent until resumed',
    );
    expect(describeAuditEntry(entry({ action: 'automation.resumed', subjectType: 'workspace', subjectLabel: null }))).toBe(
      'Anna resumed automation for the whole workspace',
    );
    expect(describeAuditEntry(entry({ action: 'execution.wait_skipped', subjectType: 'execution', subjectLabel: null }))).toBe(
      'Anna skipped the wait of a test run',
    );
    expect(describeAuditEntry(entry({ action: 'user.login_failed', actor: null, details: { email: 'x@example.com' } }))).toBe(
      'Failed sign-in as x@example.com',
    );
  });

  it('says what an agent sent to whom, never the words', () => {
    const message = (details: Record<string, unknown>) =>
      describeAuditEntry(entry({ action: 'conversation.agent_message', subjectType: 'contact', subjectLabel: 'Giulia', details }));
    expect(message({ type: 'text' })).toBe('Anna sent a message to Giulia');
    expect(message({ type: 'template', template: 'order_ready', language: 'it' })).toBe('Anna sent the template order_ready to Giulia');
    expect(message({ type: 'image' })).toBe('Anna sent an image to Giulia');
    expect(message({ type: 'document' })).toBe('Anna sent a document to Giulia');
  });

  it('names an API key by name and prefix when a change was made with one', () => {
    expect(
      describeAuditEntry(
        entry({
          action: 'webhook.replayed',
          actor: null,
          actorApiKey: { id: 'k', name: 'Ops robot', prefix: 'pk_AbCdEfG' },
          subjectType: 'webhook_delivery',
          subjectLabel: null,
          subjectId: '42',
        }),
      ),
    ).toBe('API key “Ops robot” (pk_AbCdEfG…) replayed a parked webhook delivery (webhook delivery 42)');
  });

  it('still reads an action it does not know', () => {
    expect(
      describeAuditEntry(entry({ action: 'crm.connected', subjectType: 'crm_connection', subjectLabel: null, subjectId: 'abcdef123456' })),
    ).toBe('Anna: crm.connected on crm connection abcdef12');
  });

  it('reads before/after from settings (a list) and from flow edits (by field)', () => {
    expect(fieldChanges(entry({ details: { changes: [{ field: 'timeZone', before: 'UTC', after: 'Europe/Rome' }] } }))).toEqual([
      { field: 'timeZone', before: 'UTC', after: 'Europe/Rome' },
    ]);
    expect(fieldChanges(entry({ details: { changes: { name: { before: 'A', after: 'B' } } } }))).toEqual([
      { field: 'name', before: 'A', after: 'B' },
    ]);
    expect(fieldChanges(entry({ details: { changes: 'nonsense' } }))).toEqual([]);
  });
});
