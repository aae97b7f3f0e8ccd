import { versionSeen } from './crm-sync.service';

const link = (modifiedAt: number | null, baseline: Record<string, string | null>) => ({
  contact_id: 'c1',
  remote_type: 'Contacts',
  remote_id: '1',
  baseline,
  remote_modified_at: modifiedAt === null ? null : new Date(modifiedAt),
});
const remote = (modifiedAt: number, email: string) => ({
  type: 'Contacts',
  id: '1',
  modifiedAt,
  fields: { firstName: 'Giada', lastName: 'Neri', email, phone: '+393405556677' },
});
const agreed = { firstName: 'Giada', lastName: 'Neri', email: 'giada@example.com', phone: '+393405556677' };

describe('versionSeen: whether a record version read from the CRM was already applied', () => {
  it('older than the version held: seen; newer: not; no link or no time: not', () => {
    expect(versionSeen(link(2000, agreed), remote(1000, 'other@example.com'))).toBe(true);
    expect(versionSeen(link(1000, agreed), remote(2000, 'giada@example.com'))).toBe(false);
    expect(versionSeen(null, remote(1000, 'giada@example.com'))).toBe(false);
    expect(versionSeen(link(null, agreed), remote(1000, 'giada@example.com'))).toBe(false);
  });

  it('the same second: seen only when the values are the agreed ones (an edit in the second of our write is new)', () => {
    expect(versionSeen(link(1_765_000_000_000, agreed), remote(1_765_000_000_000, 'giada@example.com'))).toBe(true);
    expect(versionSeen(link(1_765_000_000_000, agreed), remote(1_765_000_000_000, 'giada.neri@example.com'))).toBe(false);
    // A field never agreed on says nothing either way.
    expect(versionSeen(link(1_765_000_000_000, { firstName: 'Giada' }), remote(1_765_000_000_000, 'x@example.com'))).toBe(true);
  });
});
