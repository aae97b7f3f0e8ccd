import { describeCustomer, describeError, describeVersion } from './describe-execution';
import { describeStatus } from './describe-status';
import { formatTimestampSeconds } from './format-timestamp';

describe('execution list wording', () => {
  it('names the customer by name and number', () => {
    expect(describeCustomer({ id: 'c', name: 'Anna Verdi', phone: '+393331234567' })).toBe('Anna Verdi (+393331234567)');
    expect(describeCustomer({ id: 'c', name: null, phone: '+393331234567' })).toBe('+393331234567');
    expect(describeCustomer(null)).toBe('—');
  });

  it('names the version a run used, published or a test of the draft', () => {
    expect(describeVersion({ number: 3, kind: 'published' })).toBe('Version 3');
    expect(describeVersion({ number: 5, kind: 'test' })).toBe('Test run of draft revision 5');
  });

  it('shows the error code with its message, and times to the second', () => {
    expect(describeError({ errorCode: '131026', errorMessage: 'Message undeliverable' })).toBe('131026: Message undeliverable');
    expect(describeError({ errorCode: null, errorMessage: null })).toBe('—');
    expect(formatTimestampSeconds('2026-12-06T05:07:13.000Z')).toBe('6 Dec 2026, 05:07:13 UTC');
  });

  it('gives the ended reason only when it says more than the status', () => {
    expect(describeStatus('succeeded', 'completed')).toBe('succeeded');
    expect(describeStatus('failed', 'failed')).toBe('failed');
    expect(describeStatus('cancelled', 'archived')).toBe('cancelled (archived)');
    expect(describeStatus('running', null)).toBe('running');
  });
});
