import { failureMessage, wantsStack } from './failure-message';

describe('failureMessage', () => {
  it('gives the message without the stack', () => {
    const text = failureMessage(new Error('connect ECONNREFUSED 127.0.0.1:1'));
    expect(text).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(text).not.toMatch(/\n\s+at /);
  });

  it('gives the stack when asked', () => {
    expect(failureMessage(new Error('boom'), true)).toMatch(/^Error: boom\n\s+at /);
  });

  it('lists the parts of an AggregateError with an empty message (a refused connection to every address)', () => {
    const error = new AggregateError([new Error('connect ECONNREFUSED ::1:5432'), new Error('connect ECONNREFUSED 127.0.0.1:5432')], '');
    expect(failureMessage(error)).toBe('connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432');
  });

  it('falls back to the error code when the message is empty', () => {
    const error = Object.assign(new Error(''), { code: 'EACCES' });
    expect(failureMessage(error)).toBe('EACCES');
  });

  it('prints other thrown values as text', () => {
    expect(failureMessage('plain')).toBe('plain');
  });

  it('asks for the stack at LOG_LEVEL debug or trace only', () => {
    expect(wantsStack({ LOG_LEVEL: 'debug' })).toBe(true);
    expect(wantsStack({ LOG_LEVEL: 'trace' })).toBe(true);
    expect(wantsStack({ LOG_LEVEL: 'warn' })).toBe(false);
    expect(wantsStack({})).toBe(false);
  });
});
