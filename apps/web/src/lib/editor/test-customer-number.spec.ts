import { normalizeWaId, waIdProblem } from './test-customer-number';

describe('test customer number', () => {
  it('keeps only the digits of a number typed the way people write it', () => {
    expect(normalizeWaId('+39 333 123-4567')).toBe('393331234567');
    expect(normalizeWaId('0039 (333) 123.4567')).toBe('393331234567');
  });

  it('explains what is wrong with a number the simulator would refuse', () => {
    expect(waIdProblem('')).toMatch(/Enter/);
    expect(waIdProblem('+39 333 abc')).toMatch(/only digits/);
    expect(waIdProblem('12345')).toMatch(/6 to 15 digits/);
    expect(waIdProblem('1234567890123456')).toMatch(/6 to 15 digits/);
    expect(waIdProblem('+39 333 000 1122')).toBeNull();
  });
});
