import { decideNumberChange, decideSenderContact, decideUserIdChange, type KnownContact } from './identity-decisions';

const at = new Date('2026-11-20T10:00:00Z');
const A: KnownContact = { id: 'A', waId: '111', bsuid: 'U1' };
const facts = { waId: '111', userId: 'U1', at, byBsuid: null, byWaId: null, retired: [] };

describe('which contact a WhatsApp sender is', () => {
  it('a new sender gets a new contact; a known one its own', () => {
    expect(decideSenderContact(facts)).toEqual({ action: 'create', changes: [], why: null });
    expect(decideSenderContact({ ...facts, byBsuid: A, byWaId: A })).toEqual({ action: 'use', contactId: 'A', changes: [], why: null });
    expect(decideSenderContact({ ...facts, userId: null, byWaId: A })).toEqual({ action: 'use', contactId: 'A', changes: [], why: null });
  });

  it('a known BSUID from a new number: the same contact, whose number changes', () => {
    expect(decideSenderContact({ ...facts, waId: '222', byBsuid: A })).toEqual({
      action: 'use',
      contactId: 'A',
      changes: [{ kind: 'set', contactId: 'A', field: 'wa_id', from: '111', to: '222', reason: 'number_changed' }],
      why: null,
    });
  });

  it('a known BSUID from a number another contact holds: the number moves to the BSUID’s contact', () => {
    const B: KnownContact = { id: 'B', waId: '222', bsuid: null };
    expect(decideSenderContact({ ...facts, waId: '222', byBsuid: A, byWaId: B })).toMatchObject({
      action: 'use',
      contactId: 'A',
      changes: [
        { kind: 'release', contactId: 'B', field: 'wa_id', value: '222', movedTo: 'A' },
        { kind: 'set', contactId: 'A', field: 'wa_id', from: '111', to: '222' },
      ],
    });
  });

  it('another BSUID from a known number: the number was given to someone else, who gets a new contact', () => {
    expect(decideSenderContact({ ...facts, userId: 'U2', byWaId: A })).toMatchObject({
      action: 'create',
      changes: [{ kind: 'release', contactId: 'A', field: 'wa_id', value: '111', movedTo: null }],
    });
  });

  it('a BSUID seen for the first time on a known number is learned', () => {
    expect(decideSenderContact({ ...facts, byWaId: { id: 'A', waId: '111', bsuid: null } })).toEqual({
      action: 'use',
      contactId: 'A',
      changes: [{ kind: 'set', contactId: 'A', field: 'bsuid', from: null, to: 'U1', reason: 'user_id_changed' }],
      why: null,
    });
  });

  it('a message sent from a number before the contact gave it up still goes to that contact, and changes nothing', () => {
    const retired = [{ contactId: 'A', field: 'wa_id' as const, value: '111', endedAt: new Date('2026-11-20T11:00:00Z') }];
    expect(decideSenderContact({ ...facts, userId: null, retired })).toEqual({ action: 'use', contactId: 'A', changes: [], why: null });
    // With the BSUID: still A, and its current number is not moved back.
    expect(decideSenderContact({ ...facts, byBsuid: { ...A, waId: '222' }, retired })).toEqual({
      action: 'use',
      contactId: 'A',
      changes: [],
      why: null,
    });
    // Sent after the number was given up: not the old contact's any more.
    expect(decideSenderContact({ ...facts, userId: null, at: new Date('2026-11-20T12:00:00Z'), retired })).toMatchObject({
      action: 'create',
    });
  });
});

describe('a number change notice', () => {
  const notice = { oldWaId: '111', newWaId: '222', newUserId: null, holderOfNewWaId: null, holderOfNewUserId: null, at };

  it('moves the customer to the new number', () => {
    expect(decideNumberChange({ ...notice, contact: { ...A, lastNumberChangeAt: null } })).toEqual({
      changes: [{ kind: 'set', contactId: 'A', field: 'wa_id', from: '111', to: '222', reason: 'number_changed' }],
      why: null,
    });
  });

  it('takes the new number from a contact made from it before the notice came, and takes the new BSUID', () => {
    const B: KnownContact = { id: 'B', waId: '222', bsuid: null };
    expect(
      decideNumberChange({ ...notice, newUserId: 'U2', holderOfNewWaId: B, contact: { ...A, lastNumberChangeAt: null } }).changes,
    ).toEqual([
      { kind: 'release', contactId: 'B', field: 'wa_id', value: '222', movedTo: 'A' },
      { kind: 'set', contactId: 'A', field: 'wa_id', from: '111', to: '222', reason: 'number_changed' },
      { kind: 'set', contactId: 'A', field: 'bsuid', from: 'U1', to: 'U2', reason: 'user_id_changed' },
    ]);
  });

  it('changes nothing for an unknown customer, an applied notice, or one older than the last change', () => {
    expect(decideNumberChange({ ...notice, contact: null }).changes).toEqual([]);
    expect(decideNumberChange({ ...notice, contact: { ...A, waId: '222', lastNumberChangeAt: null } }).changes).toEqual([]);
    expect(
      decideNumberChange({ ...notice, contact: { ...A, waId: '333', lastNumberChangeAt: new Date('2026-11-21T00:00:00Z') } }).changes,
    ).toEqual([]);
  });
});

describe('a BSUID change notice', () => {
  it('gives the contact its new BSUID, once', () => {
    expect(decideUserIdChange({ contact: A, newUserId: 'U9', holderOfNewUserId: null }).changes).toEqual([
      { kind: 'set', contactId: 'A', field: 'bsuid', from: 'U1', to: 'U9', reason: 'user_id_changed' },
    ]);
    expect(decideUserIdChange({ contact: { ...A, bsuid: 'U9' }, newUserId: 'U9', holderOfNewUserId: null }).changes).toEqual([]);
  });
});
