import { FLOW_TEMPLATES } from '@parley/flow-templates';
import { INPUT_LIMITS, inputProblems, textProblem } from './input-rules';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = i % 2 === 0 ? { a: value } : [value];
  return value;
}

describe('the input rule', () => {
  it('takes ordinary text, emoji and every script', () => {
    for (const text of ['', 'Quanto costa?', 'Zoë Łukasik 王 😀', 'a\tb\nc', '\uD83D\uDE00']) expect(textProblem(text)).toBeNull();
  });

  it('refuses NUL characters and lone surrogates, naming the field by its JSON path', () => {
    expect(inputProblems({ name: 'a\u0000b' }, 'body')).toEqual([{ in: 'body', path: 'name', message: expect.stringContaining('NUL') }]);
    expect(inputProblems({ definition: { nodes: [{ label: 'x\uD800' }] } }, 'body')).toEqual([
      { in: 'body', path: 'definition.nodes.0.label', message: expect.stringContaining('lone UTF-16 surrogate') },
    ]);
    expect(inputProblems({ a: '\uDC00 trailing' }, 'body')[0]?.path).toBe('a');
    expect(inputProblems({ search: 'x\u0000' }, 'query')).toEqual([{ in: 'query', path: 'search', message: expect.any(String) }]);
    expect(inputProblems('\u0000', 'path', 'id')).toEqual([{ in: 'path', path: 'id', message: expect.any(String) }]);
  });

  it('refuses object keys that are not text, naming the object that holds them', () => {
    expect(inputProblems({ fields: { 'bad\u0000key': 1 } }, 'body')).toEqual([
      { in: 'body', path: 'fields', message: expect.stringMatching(/^has a key that contains a NUL/) },
    ]);
  });

  it('names the limit that a body breaks', () => {
    expect(inputProblems({ rule: nested(INPUT_LIMITS.maxDepth) }, 'body')).toEqual([
      expect.objectContaining({ path: expect.stringMatching(/^rule(\.a|\.0)+$/), limit: 'maxDepth' }),
    ]);
    expect(inputProblems(nested(INPUT_LIMITS.maxDepth), 'body')).toEqual([]);
    expect(inputProblems({ list: new Array(INPUT_LIMITS.maxArrayLength + 1).fill(0) }, 'body')).toEqual([
      expect.objectContaining({ path: 'list', limit: 'maxArrayLength' }),
    ]);
    const keys = Object.fromEntries(Array.from({ length: INPUT_LIMITS.maxKeys + 1 }, (_, i) => [`k${i}`, i]));
    expect(inputProblems({ fields: keys }, 'body')).toEqual([expect.objectContaining({ path: 'fields', limit: 'maxKeys' })]);
    expect(inputProblems({ text: 'x'.repeat(INPUT_LIMITS.maxStringLength + 1) }, 'body')).toEqual([
      expect.objectContaining({ path: 'text', limit: 'maxStringLength' }),
    ]);
  });

  it('takes every ready-made flow as a request body', () => {
    for (const template of FLOW_TEMPLATES) {
      expect({ id: template.id, problems: inputProblems({ name: template.name, definition: template.document }, 'body') }).toEqual({
        id: template.id,
        problems: [],
      });
    }
  });

  it('walks any depth JSON.parse accepts without recursion', () => {
    const depth = 200_000;
    const value: unknown = JSON.parse('['.repeat(depth) + ']'.repeat(depth));
    expect(inputProblems(value, 'body')).toEqual([expect.objectContaining({ limit: 'maxDepth' })]);
  });
});
