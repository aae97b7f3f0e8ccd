import { FLOW_LIMITS } from './flow-limits';
import { migrateFlowDocument } from './flow-migrations';
import { parseFlowDocument } from './parse-flow-document';
import { validFlow } from './test-catalog.spec-helper';

describe('parseFlowDocument', () => {
  it('accepts a well-formed current document and fills defaults', () => {
    const { notes: _notes, ...withoutNotes } = validFlow();
    const result = parseFlowDocument(withoutNotes);
    expect(result).toEqual({ ok: true, document: validFlow(), migratedFrom: null });
  });

  it.each([
    ['a string', 'flow'],
    ['an array', []],
    ['null', null],
  ])('rejects %s with invalid_document', (_label, input) => {
    const result = parseFlowDocument(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.code).toBe('invalid_document');
  });

  it('rejects a missing schemaVersion naming the field', () => {
    const { schemaVersion: _v, ...rest } = validFlow();
    const result = parseFlowDocument(rest);
    expect(result).toEqual({
      ok: false,
      issues: [expect.objectContaining({ code: 'invalid_document', field: 'schemaVersion' })],
    });
  });

  it('rejects a document from a newer build', () => {
    const result = parseFlowDocument({ ...validFlow(), schemaVersion: 99 });
    expect(result).toEqual({
      ok: false,
      issues: [expect.objectContaining({ code: 'schema_version_unsupported', field: 'schemaVersion' })],
    });
  });

  it('names the node and field of a malformed node', () => {
    const flow = validFlow();
    const result = parseFlowDocument({
      ...flow,
      nodes: [flow.nodes[0], { ...flow.nodes[1], position: { x: 'left', y: 0 } }],
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues).toEqual([expect.objectContaining({ code: 'invalid_document', nodeId: 'a', field: 'nodes[1].position.x' })]);
      expect(result.issues[0]?.message).toContain('nodes[1].position.x');
    }
  });

  it('rejects ids with unsafe characters', () => {
    const flow = validFlow();
    const result = parseFlowDocument({ ...flow, edges: [{ ...flow.edges[0], id: 'e 1<script>' }] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.field).toBe('edges[0].id');
  });

  it('rejects more nodes than the limit', () => {
    const nodes = Array.from({ length: FLOW_LIMITS.maxNodes + 1 }, (_, i) => ({
      id: `n${i}`,
      type: 'test.action',
      typeVersion: 1,
      position: { x: 0, y: i },
      config: {},
    }));
    const result = parseFlowDocument({ schemaVersion: 1, nodes, edges: [] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]).toMatchObject({ code: 'invalid_document', field: 'nodes' });
  });

  it('rejects a document above the byte limit before parsing it', () => {
    const big = 'x'.repeat(FLOW_LIMITS.maxDocumentBytes);
    const result = parseFlowDocument({ ...validFlow(), notes: [{ id: 'n', text: big, position: { x: 0, y: 0 } }] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.code).toBe('document_too_large');
  });

  it('counts multi-byte characters as UTF-8 bytes', () => {
    // 3 bytes each in UTF-8, so a third of the limit in characters is just over it in bytes.
    const text = '价'.repeat(Math.floor(FLOW_LIMITS.maxDocumentBytes / 3) + 1);
    const result = parseFlowDocument({ ...validFlow(), notes: [{ id: 'n', text, position: { x: 0, y: 0 } }] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.code).toBe('document_too_large');
  });
});

describe('migrateFlowDocument', () => {
  const chain = [
    { from: 1, migrate: (d: Record<string, unknown>) => ({ ...d, renamed: d['old'], old: undefined }) },
    { from: 2, migrate: (d: Record<string, unknown>) => ({ ...d, extra: true }) },
  ];

  it('applies each step in order and stamps the version', () => {
    expect(migrateFlowDocument({ schemaVersion: 1, old: 'x' }, 1, 3, chain)).toEqual({
      ok: true,
      document: { schemaVersion: 3, renamed: 'x', old: undefined, extra: true },
    });
  });

  it('starts from the document version', () => {
    expect(migrateFlowDocument({ schemaVersion: 2 }, 2, 3, chain)).toEqual({
      ok: true,
      document: { schemaVersion: 3, extra: true },
    });
  });

  it('reports a gap in the chain', () => {
    expect(migrateFlowDocument({ schemaVersion: 1 }, 1, 4, chain)).toEqual({ ok: false, missingFrom: 3 });
  });
});
