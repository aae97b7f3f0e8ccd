import { type MergeSubject, planMerge } from './merge-plan';

function subject(values: Partial<MergeSubject['values']>, fields: Record<string, unknown>, at: number): MergeSubject {
  return {
    values: { firstName: null, lastName: null, displayName: null, email: null, timeZone: null, locale: null, list: null, ...values },
    fields,
    updatedAt: new Date(at),
  };
}

describe('planMerge', () => {
  it('takes what only one side has and, on a conflict, the contact changed last by default', () => {
    const kept = subject({ firstName: 'Giulia', email: 'old@example.com' }, { priority: 'low', city: 'Roma' }, 1000);
    const merged = subject({ lastName: 'Rossi', email: 'new@example.com' }, { priority: 'high', vip: true }, 2000);
    const plan = planMerge(kept, merged, {});
    expect(plan.values).toMatchObject({ firstName: 'Giulia', lastName: 'Rossi', email: 'new@example.com' });
    expect(plan.fields).toEqual({ city: 'Roma', priority: 'high', vip: true });
    expect(plan.conflicts).toEqual([
      { field: 'email', kept: 'old@example.com', merged: 'new@example.com', defaultSide: 'merged' },
      { field: 'fields.priority', kept: 'low', merged: 'high', defaultSide: 'merged' },
    ]);
  });

  it('follows the person where they chose', () => {
    const kept = subject({ email: 'old@example.com' }, { priority: 'low' }, 1000);
    const merged = subject({ email: 'new@example.com' }, { priority: 'high' }, 2000);
    const plan = planMerge(kept, merged, { email: 'kept', 'fields.priority': 'kept' });
    expect(plan.values.email).toBe('old@example.com');
    expect(plan.fields).toEqual({ priority: 'low' });
  });
});
