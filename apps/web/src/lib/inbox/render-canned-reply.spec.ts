import { renderCannedReply } from './render-canned-reply';

const values = { contact: { first_name: 'Giulia', last_name: null, name: 'Giulia Rossi' }, agent: { name: 'Anna' } };

describe('canned replies', () => {
  it('fills the contact’s and the agent’s names', () => {
    expect(renderCannedReply('Hi {{contact.first_name}}, {{ agent.name }} here.', values)).toBe('Hi Giulia, Anna here.');
  });

  it('uses the fallback for a missing value, and nothing (never braces) without one', () => {
    expect(renderCannedReply('Dear {{ contact.last_name | "customer" }}{{contact.last_name}}!', values)).toBe('Dear customer!');
    expect(renderCannedReply('{{ order.id }} stays as it is', values)).toBe(' stays as it is');
  });
});
