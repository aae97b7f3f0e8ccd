/** Flow 0 of the foundation issue: "text contains price" -> reply with a text. */
export function priceReplyFlow(reply = 'Our prices start at 10 EUR. Want a discount code?', keyword = 'price') {
  return {
    schemaVersion: 1,
    nodes: [
      {
        id: 'trigger',
        type: 'trigger.inbound_message',
        typeVersion: 1,
        position: { x: 0, y: 0 },
        config: { match: 'keyword', keywords: [keyword], mode: 'contains' },
      },
      {
        id: 'reply',
        type: 'whatsapp.send_message',
        typeVersion: 1,
        position: { x: 0, y: 150 },
        config: { message: { type: 'text', text: reply } },
      },
    ],
    edges: [{ id: 'e1', source: 'trigger', sourceOutput: 'next', target: 'reply' }],
    notes: [],
  };
}
