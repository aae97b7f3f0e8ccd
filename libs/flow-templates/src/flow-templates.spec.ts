import { createNodeCatalog, parseFlowDocument, validateFlow } from '@parley/flow-core';
import { NODE_DEFINITIONS } from '@parley/nodes';
import { FLOW_TEMPLATES } from './index';

describe('flow templates', () => {
  const catalog = createNodeCatalog(NODE_DEFINITIONS);

  it('has the 17 flows of the product brief, numbered in order, with unique ids', () => {
    expect(FLOW_TEMPLATES.map((t) => t.number)).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
    expect(new Set(FLOW_TEMPLATES.map((t) => t.id)).size).toBe(17);
  });

  it.each(FLOW_TEMPLATES.map((t) => [t.number, t.id, t] as const))('%i %s parses and validates as published', (_n, _id, template) => {
    const parsed = parseFlowDocument(JSON.parse(JSON.stringify(template.document)));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(validateFlow(parsed.document, catalog)).toEqual([]);
  });
});
