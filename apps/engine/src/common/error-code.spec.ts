import { z } from 'zod';
import { codeOfError, errorConstraint, stackFrames } from './error-code';

describe('error codes for log lines', () => {
  it('names an error without its message', () => {
    const duplicate = Object.assign(new Error('duplicate key value (wa_id)=(393331234567)'), {
      code: '23505',
      constraint: 'contacts_bsuid_key',
    });
    expect(codeOfError(duplicate)).toBe('pg:23505');
    expect(errorConstraint(duplicate)).toBe('contacts_bsuid_key');
    expect(codeOfError(z.object({ a: z.string() }).safeParse({ a: 1 }).error)).toBe('invalid_payload');
    expect(codeOfError(new SyntaxError('Unexpected token'))).toBe('invalid_json');
    expect(codeOfError(new TypeError('x is undefined'))).toBe('TypeError');
    expect(codeOfError('text')).toBe('string');
    expect(errorConstraint(new Error('no constraint'))).toBeNull();
  });

  it('keeps only the code locations of a stack', () => {
    const frames = stackFrames(new Error('the customer 393331234567 wrote\nsecond line'));
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((frame) => frame.startsWith('at '))).toBe(true);
    expect(frames.join('\n')).not.toContain('393331234567');
    expect(stackFrames('not an error')).toEqual([]);
  });
});
