import { WEBHOOK_LIMITS, webhookLimitProblem } from './webhook-limits';

describe('webhook limits', () => {
  const small = { maxDepth: 3, maxStringLength: 5, maxArrayLength: 2, maxObjectKeys: 2 };

  it('accepts a value within every limit, at each limit exactly', () => {
    expect(webhookLimitProblem({ a: ['12345', 1], b: null }, small)).toBeNull();
    expect(webhookLimitProblem({ a: { b: 'x' } }, small)).toBeNull();
  });

  it('names the limit and where it was passed', () => {
    expect(webhookLimitProblem({ a: { b: { c: 1 } } }, small)).toBeNull();
    expect(webhookLimitProblem({ a: { b: { c: { d: 1 } } } }, small)).toBe('nesting at $.a.b.c is deeper than 3 levels');
    expect(webhookLimitProblem({ a: ['123456'] }, small)).toBe('a string at $.a[0] is 6 characters long; the limit is 5');
    expect(webhookLimitProblem([1, 2, 3], small)).toBe('an array at $ has 3 items; the limit is 2');
    expect(webhookLimitProblem({ a: 1, b: 2, c: 3 }, small)).toBe('an object at $ has 3 keys; the limit is 2');
    expect(webhookLimitProblem({ abcdef: 1 }, small)).toBe('a key at $ is 6 characters long; the limit is 5');
  });

  it('walks any depth without recursion: 1,000,000 nested arrays give an answer, not a stack overflow', () => {
    const depth = 1_000_000;
    const value: unknown = JSON.parse('['.repeat(depth) + ']'.repeat(depth));
    expect(webhookLimitProblem(value)).toMatch(/^nesting at \$(\[0\])+ is deeper than 64 levels$/);
  });

  it('keeps limits far beyond what Meta sends', () => {
    expect(WEBHOOK_LIMITS).toEqual({ maxDepth: 64, maxStringLength: 131_072, maxArrayLength: 10_000, maxObjectKeys: 1_000 });
  });
});
