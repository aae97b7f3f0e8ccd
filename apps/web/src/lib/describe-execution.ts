import type { ExecutionSummary } from './execution-view';

/** "Anna Verdi (+393331234567)", the number alone, or a dash when the run had no contact. */
export function describeCustomer(contact: ExecutionSummary['contact']): string {
  if (!contact) return '—';
  if (contact.name && contact.phone) return `${contact.name} (${contact.phone})`;
  return contact.name ?? contact.phone ?? 'Unknown customer';
}

/** "Version 3", or "Test run of draft revision 5" for a run of a frozen draft. */
export function describeVersion(version: ExecutionSummary['version']): string {
  if (!version) return '—';
  return version.kind === 'test' ? `Test run of draft revision ${version.number}` : `Version ${version.number}`;
}

/** "131026: Message undeliverable", the code alone, or a dash. */
export function describeError(execution: Pick<ExecutionSummary, 'errorCode' | 'errorMessage'>): string {
  if (execution.errorCode && execution.errorMessage) return `${execution.errorCode}: ${execution.errorMessage}`;
  return execution.errorCode ?? execution.errorMessage ?? '—';
}
