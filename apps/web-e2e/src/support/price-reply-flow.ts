/**
 * The flow most browser tests start from (Flow 0 of the foundation): a customer message containing "price" gets
 * `reply` as a text. `label` names the send step on the canvas and in the executions' timelines.
 */
export function priceReplyFlow(reply: string, label?: string) {
  return {
    schemaVersion: 1,
    nodes: [
      {
        id: 'trigger',
        type: 'trigger.inbound_message',
        typeVersion: 1,
        position: { x: 0, y: 0 },
        config: { match: 'keyword', keywords: ['price'], mode: 'contains', caseSensitive: false },
      },
      {
        id: 'reply',
        type: 'whatsapp.send_message',
        typeVersion: 1,
        position: { x: 0, y: 180 },
        ...(label === undefined ? {} : { label }),
        config: { message: { type: 'text', text: reply, previewUrl: false } },
      },
    ],
    edges: [{ id: 'e1', source: 'trigger', sourceOutput: 'next', target: 'reply' }],
    notes: [],
  };
}
