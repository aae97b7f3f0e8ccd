import { z } from 'zod';
import { DEFAULT_FLOW_SETTINGS, type FlowDocument } from './flow-document';
import { createNodeCatalog } from './node-catalog';
import { defineNode } from './node-definition';

/** A small catalogue of fake node types so flow-core tests do not depend on real nodes. */
export const testCatalog = createNodeCatalog([
  defineNode({
    type: 'test.trigger',
    version: 1,
    kind: 'trigger',
    category: 'Triggers',
    displayName: 'Test trigger',
    description: 'Starts the flow.',
    synonyms: [],
    configSchema: z.object({ keyword: z.string().min(1) }),
    defaultConfig: { keyword: 'price' },
    outputs: [{ name: 'next', label: 'Then' }],
    outputSchema: z.object({ text: z.string().nullable(), data: z.record(z.string(), z.unknown()) }),
    sampleData: {},
  }),
  defineNode({
    type: 'test.action',
    version: 1,
    kind: 'action',
    category: 'Data',
    displayName: 'Test action',
    description: 'Does something.',
    synonyms: [],
    configSchema: z.object({ text: z.string().min(1).max(100) }),
    defaultConfig: { text: 'hi' },
    outputs: [{ name: 'next', label: 'Then' }],
    outputSchema: z.object({ result: z.string() }),
    sampleData: {},
  }),
  defineNode({
    type: 'test.action',
    version: 2,
    kind: 'action',
    category: 'Data',
    displayName: 'Test action',
    description: 'Does something, v2.',
    synonyms: [],
    configSchema: z.object({ text: z.string() }),
    defaultConfig: { text: '' },
    outputs: [{ name: 'next', label: 'Then' }],
    outputSchema: z.object({}),
    sampleData: {},
  }),
  defineNode({
    type: 'test.condition',
    version: 1,
    kind: 'condition',
    category: 'Conditions',
    displayName: 'Test condition',
    description: 'Branches.',
    synonyms: [],
    configSchema: z.object({ rule: z.unknown().optional() }),
    defaultConfig: {},
    outputs: [
      { name: 'true', label: 'Yes' },
      { name: 'false', label: 'No' },
    ],
    outputSchema: z.object({}),
    sampleData: {},
    logicFields: ['rule'],
  }),
  defineNode({
    type: 'test.setvar',
    version: 1,
    kind: 'action',
    category: 'Data',
    displayName: 'Set variable',
    description: 'Sets a flow variable.',
    synonyms: [],
    configSchema: z.object({ name: z.string().min(1), value: z.string() }),
    defaultConfig: { name: 'x', value: '' },
    outputs: [{ name: 'next', label: 'Then' }],
    outputSchema: z.object({}),
    sampleData: {},
    writesVariables: (config) => [config.name],
  }),
  defineNode({
    type: 'test.split',
    version: 1,
    kind: 'control',
    category: 'Control',
    displayName: 'Split',
    description: 'Outputs named by config.',
    synonyms: [],
    configSchema: z.object({ branches: z.array(z.string().min(1)).min(1) }),
    defaultConfig: { branches: ['a', 'b'] },
    outputs: [],
    resolveOutputs: (config) => config.branches.map((name) => ({ name, label: name })),
    outputSchema: z.object({}),
    sampleData: {},
    validate: (config) =>
      new Set(config.branches).size === config.branches.length
        ? []
        : [{ code: 'invalid_config', field: 'branches', message: 'branch names must be unique' }],
  }),
  defineNode({
    type: 'test.wait',
    version: 1,
    kind: 'timing',
    category: 'Timing',
    displayName: 'Wait',
    description: 'Suspends.',
    synonyms: [],
    configSchema: z.object({ minutes: z.number().int().positive() }),
    defaultConfig: { minutes: 5 },
    outputs: [{ name: 'next', label: 'Then' }],
    outputSchema: z.object({}),
    sampleData: {},
    suspends: true,
  }),
]);

/** trigger -> action: the smallest valid flow. */
export function validFlow(): FlowDocument {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 't', type: 'test.trigger', typeVersion: 1, position: { x: 0, y: 0 }, config: { keyword: 'price' } },
      { id: 'a', type: 'test.action', typeVersion: 1, position: { x: 0, y: 100 }, config: { text: 'hello' } },
    ],
    edges: [{ id: 'e1', source: 't', sourceOutput: 'next', target: 'a' }],
    notes: [],
    settings: DEFAULT_FLOW_SETTINGS,
  };
}
