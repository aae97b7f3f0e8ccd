import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * ExecutionStore is the one writer of execution state. This test reads the
 * engine's source and fails when any other file writes `executions`,
 * `execution_steps`, `waits` or `side_effects` (SQL, or TypeORM saves of
 * their entities). The writers not moved yet are listed by name with what
 * they write; the list may only shrink: a new writer fails the test, and so
 * does a listed one that no longer writes (take it off the list).
 */
const STORE = 'executions/execution-store.service.ts';
const TABLES = ['executions', 'execution_steps', 'waits', 'side_effects'];

/** file -> tables it still writes, with why it has not moved into the store yet. */
const NOT_MOVED_YET: Record<string, string[]> = {
  // Side-effect claims (exactly-once sends and CRM writes): claimed and settled around the external call.
  'whatsapp/whatsapp-sender.service.ts': ['side_effects'],
  'crm/crm-store.service.ts': ['side_effects'],
  'crm/flow-actions/crm-flow-actions.service.ts': ['side_effects'],
  'whatsapp/webhook-processor.service.ts': ['side_effects'],
  'executions/execution-retries.service.ts': ['side_effects'],
  // Hold waits follow a pause's end when a pause changes.
  'pauses/pause.service.ts': ['waits'],
  // Which process dispatched a due wait (dispatched_at), not the wait's state.
  'orchestration/wait-timer.service.ts': ['waits'],
  // Retention: deleting finished executions past the workspace's retention.
  'orchestration/scheduler.service.ts': ['executions'],
  // GDPR erasure blanks the contact's personal columns everywhere (docs/ARCHITECTURE.md: the one
  // place allowed to rewrite other modules' rows, and only to blank them); no state changes.
  'privacy/contact-erasure.service.ts': ['execution_steps', 'executions', 'side_effects', 'waits'],
  // Finished history for the reports' demo data (POST /api/reports/demo-data, an empty workspace) and their test fixture.
  'reports/demo-data.ts': ['execution_steps', 'executions'],
  'reports/report-fixture.ts': ['execution_steps', 'executions'],
};

const WRITE = new RegExp(String.raw`\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(${TABLES.join('|')})\b`, 'gi');
const ENTITY_WRITE = /getRepository\((Execution|ExecutionStep|SideEffect)\)[\s\S]{0,80}?\.(save|update|insert|delete|remove|upsert)\(/g;
const ENTITY_TABLE: Record<string, string> = { Execution: 'executions', ExecutionStep: 'execution_steps', SideEffect: 'side_effects' };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'migrations' || name === 'test-support' ? [] : sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [full] : [];
  });
}

function writers(): Record<string, string[]> {
  const root = path.join(__dirname, '..');
  const found: Record<string, string[]> = {};
  for (const file of sourceFiles(root)) {
    const relative = path.relative(root, file).split(path.sep).join('/');
    if (relative === STORE) continue;
    const text = readFileSync(file, 'utf8');
    const tables = new Set<string>();
    for (const match of text.matchAll(WRITE)) tables.add((match[1] ?? '').toLowerCase());
    for (const match of text.matchAll(ENTITY_WRITE)) tables.add(ENTITY_TABLE[match[1] ?? ''] ?? '');
    if (tables.size > 0) found[relative] = [...tables].sort();
  }
  return found;
}

describe('execution state has one writer', () => {
  it('only ExecutionStore writes executions, steps and waits (the listed side-effect and housekeeping writers excepted)', () => {
    expect(writers()).toEqual(NOT_MOVED_YET);
  });

  it('the store does write them (the test reads the right files)', () => {
    const store = readFileSync(path.join(__dirname, 'execution-store.service.ts'), 'utf8');
    const tables = new Set([...store.matchAll(WRITE)].map((m) => (m[1] ?? '').toLowerCase()));
    expect([...tables].sort()).toEqual(['execution_steps', 'executions', 'waits']);
  });
});
