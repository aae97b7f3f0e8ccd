import type { FlowDocument } from '@parley/flow-core';
import { buildStepCards } from './build-step-cards';
import { editorCatalog } from './editor-catalog';
import { connectionLabel, documentOutputLabel, outputLabel } from './output-label';

const document: FlowDocument = {
  schemaVersion: 1,
  nodes: [
    { id: 'trigger', type: 'trigger.inbound_message', typeVersion: 1, position: { x: 0, y: 0 }, config: { match: 'any' } },
    { id: 'if', type: 'condition.if', typeVersion: 1, position: { x: 0, y: 200 }, config: { rule: { has_tag: ['vip'] } } },
  ],
  edges: [{ id: 'e1', source: 'trigger', sourceOutput: 'next', target: 'if' }],
  notes: [],
  settings: { oncePerContact: false, reentry: 'skip', debounceSeconds: 0, whilePaused: 'skip', exitOn: [] },
};

describe('output labels', () => {
  const cards = buildStepCards({ document, catalog: editorCatalog, nodeTypes: [], issues: [], editable: false }, new Map());

  it('names an If / else branch "Yes" or "No", as the editor shows it, wherever a branch is shown', () => {
    expect(outputLabel(cards.get('if'), 'true')).toBe('Yes');
    expect(outputLabel(cards.get('if'), 'false')).toBe('No');
    expect(outputLabel(cards.get('if'), 'error')).toBe('On error');
    expect(connectionLabel(cards.get('if'), 'true')).toBe('Yes');
    expect(documentOutputLabel(document, editorCatalog, 'if', 'false')).toBe('No');
    expect(documentOutputLabel(document, editorCatalog, 'gone', 'false')).toBe('false');
  });

  it('shows no label on the ordinary "next" connection, and the id of an output the step no longer has', () => {
    expect(connectionLabel(cards.get('trigger'), 'next')).toBeNull();
    expect(outputLabel(cards.get('if'), 'maybe')).toBe('maybe');
    expect(outputLabel(undefined, 'true')).toBe('true');
  });
});
