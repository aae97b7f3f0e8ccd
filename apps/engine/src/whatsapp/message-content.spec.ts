import { applyContentChange, type MessageContent } from './message-content';

const t = (minute: number) => new Date(Date.UTC(2026, 10, 20, 10, minute));
const fresh: MessageContent = { text: 'hello', editedAt: null, revokedAt: null };

describe('a message content after edits and revokes, in any order', () => {
  it('an edit replaces the text; a newer edit wins, an older one only goes into the history', () => {
    const edited = applyContentChange(fresh, { kind: 'edit', text: 'hello!', at: t(2) });
    expect(edited).toEqual({ content: { text: 'hello!', editedAt: t(2), revokedAt: null }, outcome: 'applied', revokedText: null });
    expect(applyContentChange(edited.content, { kind: 'edit', text: 'older', at: t(1) })).toMatchObject({
      content: edited.content,
      outcome: 'older_than_last_edit',
    });
    expect(applyContentChange(edited.content, { kind: 'edit', text: 'newer', at: t(3) }).content.text).toBe('newer');
  });

  it('a revoke hides the text and hands it over for the audit; nothing brings it back', () => {
    const revoked = applyContentChange(fresh, { kind: 'revoke', text: null, at: t(5) });
    expect(revoked).toEqual({ content: { text: null, editedAt: null, revokedAt: t(5) }, outcome: 'applied', revokedText: 'hello' });
    expect(applyContentChange(revoked.content, { kind: 'edit', text: 'back', at: t(9) })).toMatchObject({
      content: revoked.content,
      outcome: 'after_revoke',
    });
    expect(applyContentChange(revoked.content, { kind: 'revoke', text: null, at: t(6) })).toMatchObject({
      content: revoked.content,
      outcome: 'already_revoked',
      revokedText: null,
    });
  });
});
