import { testCatalog } from './test-catalog.spec-helper';
import { createNodeCatalog } from './node-catalog';

describe('createNodeCatalog', () => {
  it('finds a definition by type and version and knows the latest', () => {
    expect(testCatalog.get('test.action', 1)?.description).toBe('Does something.');
    expect(testCatalog.latest('test.action')?.version).toBe(2);
    expect(testCatalog.get('test.action', 3)).toBeUndefined();
  });

  it('lists definitions sorted by type then version', () => {
    const keys = testCatalog.list().map((d) => `${d.type}@${d.version}`);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toContain('test.action@1');
  });

  it('refuses the same type and version twice', () => {
    const duplicate = testCatalog.get('test.wait', 1);
    if (!duplicate) throw new Error('fixture');
    expect(() => createNodeCatalog([duplicate, duplicate])).toThrow('test.wait@1 is declared twice');
  });
});
