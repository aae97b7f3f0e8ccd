import type { FlowDocument, FlowNode } from '@parley/flow-core';
import { additionProblem, connectionProblem } from './connection-problem';
import { editorCatalog } from './editor-catalog';

function node(id: string, type: string, config: Record<string, unknown> = {}): FlowNode {
  return { id, type, typeVersion: 1, position: { x: 0, y: 0 }, config };
}

const document: FlowDocument = {
  schemaVersion: 1,
  nodes: [
    node('trigger', 'trigger.inbound_message', { match: 'any' }),
    node('if', 'condition.if', { rule: { '==': [1, 1] } }),
    node('tag', 'contact.tag', { action: 'add', tags: ['a'] }),
    node('wait', 'timing.wait', { amount: 1, unit: 'days' }),
  ],
  edges: [
    { id: 'e1', source: 'trigger', sourceOutput: 'next', target: 'if' },
    { id: 'e2', source: 'if', sourceOutput: 'true', target: 'tag' },
    { id: 'e3', source: 'if', sourceOutput: 'false', target: 'wait' },
  ],
  notes: [],
  settings: { oncePerContact: false, reentry: 'skip', debounceSeconds: 0, whilePaused: 'skip', exitOn: [] },
};

describe('connectionProblem', () => {
  it('refuses a connection into the trigger', () => {
    expect(connectionProblem(document, editorCatalog, { source: 'tag', sourceOutput: 'next', target: 'trigger' })).toMatch(
      /Nothing can lead into the trigger/,
    );
  });

  it('refuses an output the step does not have, naming it', () => {
    expect(connectionProblem(document, editorCatalog, { source: 'tag', sourceOutput: 'maybe', target: 'wait' })).toBe(
      '“Add or remove tags” has no output “maybe”.',
    );
  });

  it('refuses a second connection from one output, and allows the free one', () => {
    expect(connectionProblem(document, editorCatalog, { source: 'if', sourceOutput: 'true', target: 'wait' })).toMatch(
      /already leads to “Add or remove tags”/,
    );
    expect(connectionProblem(document, editorCatalog, { source: 'tag', sourceOutput: 'next', target: 'wait' })).toBeNull();
  });

  it('refuses a loop without a wait, and allows one through a wait', () => {
    expect(connectionProblem(document, editorCatalog, { source: 'tag', sourceOutput: 'next', target: 'if' })).toMatch(/loop with no wait/);
    expect(connectionProblem(document, editorCatalog, { source: 'wait', sourceOutput: 'next', target: 'if' })).toBeNull();
  });

  it('refuses a second trigger when one exists', () => {
    expect(additionProblem(document, editorCatalog, 'trigger.manual', 1)).toMatch(/already starts with “Message received”/);
    expect(additionProblem(document, editorCatalog, 'contact.tag', 1)).toBeNull();
  });
});
