import type { NodeDefinition } from './node-definition';

/** Lookup of node definitions by type and version. */
export interface NodeCatalog {
  get(type: string, version: number): NodeDefinition | undefined;
  latest(type: string): NodeDefinition | undefined;
  list(): readonly NodeDefinition[];
}

export function createNodeCatalog(definitions: readonly NodeDefinition[]): NodeCatalog {
  const byKey = new Map<string, NodeDefinition>();
  const latestByType = new Map<string, NodeDefinition>();
  for (const definition of definitions) {
    const key = `${definition.type}@${definition.version}`;
    if (byKey.has(key)) {
      throw new Error(`Node type ${key} is declared twice`);
    }
    byKey.set(key, definition);
    const current = latestByType.get(definition.type);
    if (!current || current.version < definition.version) {
      latestByType.set(definition.type, definition);
    }
  }
  const sorted = [...byKey.values()].sort((a, b) => a.type.localeCompare(b.type) || a.version - b.version);
  return {
    get: (type, version) => byKey.get(`${type}@${version}`),
    latest: (type) => latestByType.get(type),
    list: () => sorted,
  };
}
