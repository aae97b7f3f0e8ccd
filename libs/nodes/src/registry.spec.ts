import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createNodeCatalog, DEFAULT_FLOW_SETTINGS, validateFlow } from '@parley/flow-core';
import { NODE_DEFINITIONS } from './definitions';
import { NODE_HANDLERS } from './handlers';

function record(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new Error('default config must be an object');
  return Object.fromEntries(Object.entries(value));
}

describe('node registry', () => {
  it('is generated from the node folders and up to date', () => {
    const script = join(__dirname, '..', '..', '..', 'tools', 'generators', 'node-registry.mjs');
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('pairs every definition with exactly one handler of the same role', () => {
    const handlers = new Map(NODE_HANDLERS.map((h) => [`${h.type}@${h.version}`, h]));
    expect(handlers.size).toBe(NODE_HANDLERS.length);
    for (const definition of NODE_DEFINITIONS) {
      const handler = handlers.get(`${definition.type}@${definition.version}`);
      expect({ type: definition.type, role: handler?.role }).toEqual({
        type: definition.type,
        role: definition.kind === 'trigger' ? 'trigger' : 'step',
      });
    }
    expect(NODE_HANDLERS.length).toBe(NODE_DEFINITIONS.length);
  });

  it('gives every definition a default config that its own schema accepts', () => {
    for (const definition of NODE_DEFINITIONS) {
      expect({ type: definition.type, ok: definition.configSchema.safeParse(definition.defaultConfig).success }).toEqual({
        type: definition.type,
        ok: true,
      });
    }
  });

  it('lets a flow of default-configured nodes validate', () => {
    const catalog = createNodeCatalog(NODE_DEFINITIONS);
    const trigger = NODE_DEFINITIONS.find((d) => d.kind === 'trigger');
    const action = NODE_DEFINITIONS.find((d) => d.kind === 'action');
    if (!trigger || !action) throw new Error('fixture');
    const issues = validateFlow(
      {
        schemaVersion: 1,
        nodes: [
          { id: 't', type: trigger.type, typeVersion: trigger.version, position: { x: 0, y: 0 }, config: record(trigger.defaultConfig) },
          { id: 'a', type: action.type, typeVersion: action.version, position: { x: 0, y: 100 }, config: record(action.defaultConfig) },
        ],
        edges: [{ id: 'e', source: 't', sourceOutput: 'next', target: 'a' }],
        notes: [],
        settings: DEFAULT_FLOW_SETTINGS,
      },
      catalog,
    );
    expect(issues).toEqual([]);
  });
});
