import { countryOfPhone } from './calling-codes';

describe('countryOfPhone', () => {
  it('takes the longest calling code', () => {
    expect(countryOfPhone('+39 333 123 4567')).toBe('IT');
    expect(countryOfPhone('351912345678')).toBe('PT');
    expect(countryOfPhone('35912345678')).toBe('');
    expect(countryOfPhone(null)).toBe('');
  });
});
