import { CONTACTS, CUSTOMER, inbound, METADATA, WABA_ID } from './webhook-fixtures.spec-helper';

const base = { from: CUSTOMER, timestamp: '1739321024' };

describe('edit and revoke webhooks (contract: Meta webhook reference shapes)', () => {
  it('an edited text: its own wamid, the original it changes, the new words', () => {
    const wire = {
      ...base,
      id: 'wamid.edit1',
      type: 'edit',
      edit: { original_message_id: 'wamid.orig1', message: { type: 'text', text: { body: 'new words' } } },
    };
    expect(inbound(wire)).toEqual([
      {
        kind: 'message_change',
        wabaId: WABA_ID,
        phoneNumberId: METADATA.phone_number_id,
        displayPhoneNumber: METADATA.display_phone_number,
        sender: { waId: CUSTOMER, userId: null, profileName: CONTACTS[0]?.profile.name },
        change: {
          kind: 'edit',
          wamid: 'wamid.edit1',
          originalWamid: 'wamid.orig1',
          timestamp: new Date(1739321024 * 1000),
          text: 'new words',
          contentType: 'text',
          raw: wire,
        },
      },
    ]);
  });

  it('an edited image caption (the reference example, with context and url)', () => {
    const [item] = inbound({
      ...base,
      id: 'wamid.edit2',
      type: 'edit',
      edit: {
        original_message_id: 'wamid.orig2',
        message: {
          context: { id: 'wamid.ctx' },
          type: 'image',
          image: { caption: 'new caption', mime_type: 'image/jpeg', sha256: 'h', id: '99', url: 'https://lookaside.example/x' },
        },
      },
    });
    expect(item).toMatchObject({ kind: 'message_change', change: { kind: 'edit', text: 'new caption', contentType: 'image' } });
  });

  it('an edit that removes a caption has no words', () => {
    const [item] = inbound({
      ...base,
      id: 'wamid.edit3',
      type: 'edit',
      edit: { original_message_id: 'wamid.orig3', message: { type: 'video', video: { id: '1' } } },
    });
    expect(item).toMatchObject({ kind: 'message_change', change: { text: null, contentType: 'video' } });
  });

  it('a revoke names the message taken back', () => {
    const [item] = inbound({ ...base, id: 'wamid.rev1', type: 'revoke', revoke: { original_message_id: 'wamid.orig4' } });
    expect(item).toMatchObject({
      kind: 'message_change',
      change: { kind: 'revoke', wamid: 'wamid.rev1', originalWamid: 'wamid.orig4', text: null, contentType: null },
    });
  });

  it('an edit or revoke without the original id is reported, not dropped quietly nor stored as a message', () => {
    expect(inbound({ ...base, id: 'wamid.e4', type: 'edit', edit: { message: { type: 'text', text: { body: 'x' } } } })).toEqual([
      { kind: 'skipped', wabaId: WABA_ID, field: 'messages', reason: 'edit wamid.e4 names no original_message_id' },
    ]);
    expect(inbound({ ...base, id: 'wamid.r2', type: 'revoke' })).toEqual([
      { kind: 'skipped', wabaId: WABA_ID, field: 'messages', reason: 'revoke wamid.r2 names no original_message_id' },
    ]);
  });
});
