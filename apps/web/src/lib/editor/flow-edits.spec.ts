import type { FlowDocument, FlowNode } from '@parley/flow-core';
import { EMPTY_SELECTION, insertAfter, moveElements, pasteFragment, removeElements, setNodeRetry, extractFragment } from './flow-edits';

function node(id: string, type: string, y = 0): FlowNode {
  return { id, type, typeVersion: 1, position: { x: 0, y }, config: {} };
}

function flowOne(): FlowDocument {
  return {
    schemaVersion: 1,
    nodes: [node('trigger', 'trigger.inbound_message'), node('if', 'condition.if', 200), node('send', 'whatsapp.send_message', 400)],
    edges: [
      { id: 'e1', source: 'trigger', sourceOutput: 'next', target: 'if' },
      { id: 'e2', source: 'if', sourceOutput: 'true', target: 'send' },
    ],
    notes: [],
    settings: { oncePerContact: false, reentry: 'skip', debounceSeconds: 0, whilePaused: 'skip', exitOn: [] },
  };
}

describe('flow edits', () => {
  it('inserts a step on a used output in between, carrying on to the old target through its first output', () => {
    const before = flowOne();
    const { document, id } = insertAfter(
      before,
      { source: 'if', sourceOutput: 'true' },
      { type: 'coupon.generate', typeVersion: 1, config: {} },
      'next',
    );
    expect(id).toBe('generate');
    expect(document.edges.map((e) => `${e.source}:${e.sourceOutput}->${e.target}`).sort()).toEqual([
      'generate:next->send',
      'if:true->generate',
      'trigger:next->if',
    ]);
    expect(document.nodes.find((n) => n.id === id)?.position).toEqual({ x: 0, y: 300 });
    // The document it was given is untouched: undo keeps it as it was.
    expect(before.edges).toHaveLength(2);
  });

  it('removes a step together with every connection to and from it', () => {
    const document = removeElements(flowOne(), { ...EMPTY_SELECTION, nodeIds: ['if'] });
    expect(document.nodes.map((n) => n.id)).toEqual(['trigger', 'send']);
    expect(document.edges).toEqual([]);
  });

  it('pastes a copy with fresh ids, its inner connection rewired and the outer one left behind', () => {
    const original = flowOne();
    const fragment = extractFragment(original, { ...EMPTY_SELECTION, nodeIds: ['if', 'send'] });
    const { document, selection } = pasteFragment(original, fragment, { x: 40, y: 40 });
    expect(selection.nodeIds).toEqual(['if-2', 'send-2']);
    expect(document.edges.filter((e) => e.source === 'if-2')).toEqual([
      { id: 'e2-2', source: 'if-2', sourceOutput: 'true', target: 'send-2' },
    ]);
    expect(document.nodes.find((n) => n.id === 'send-2')?.position).toEqual({ x: 40, y: 440 });
    expect(document.edges).toHaveLength(3);
  });

  it('treats a drag that ended where it started as no edit', () => {
    const document = flowOne();
    expect(moveElements(document, new Map([['if', { x: 0, y: 200 }]]), new Map())).toBe(document);
    expect(moveElements(document, new Map([['if', { x: 10, y: 200 }]]), new Map()).nodes[1]?.position).toEqual({ x: 10, y: 200 });
  });

  it('sets a step’s own retry policy, and drops it (with the empty settings) to go back to the default', () => {
    const document = flowOne();
    const custom = setNodeRetry(document, 'send', { retries: 4, delaySeconds: 90, backoff: 'fixed' });
    expect(custom.nodes.find((n) => n.id === 'send')?.settings).toEqual({ retry: { retries: 4, delaySeconds: 90, backoff: 'fixed' } });
    // The same policy again is no edit, so it adds no undo step.
    expect(setNodeRetry(custom, 'send', { retries: 4, delaySeconds: 90, backoff: 'fixed' })).toBe(custom);
    const back = setNodeRetry(custom, 'send', null);
    expect(back.nodes.find((n) => n.id === 'send')).not.toHaveProperty('settings');
    expect(setNodeRetry(document, 'send', null)).toBe(document);
    expect(setNodeRetry(document, 'missing', { retries: 1, delaySeconds: 1, backoff: 'fixed' })).toBe(document);
  });
});
