import { refuseUserChange } from './admin-change-rule';

const admin = { id: 'a', role: 'admin' as const, disabled: false };

describe('refuseUserChange', () => {
  it('refuses demoting or deactivating the last active admin', () => {
    const facts = { target: admin, actorUserId: 'someone-else', otherActiveAdmins: 0 };
    expect(refuseUserChange({ role: 'support' }, facts)).toMatch(/last active admin/);
    expect(refuseUserChange({ disabled: true }, facts)).toMatch(/last active admin/);
  });

  it('lets an admin go when another active admin remains', () => {
    expect(refuseUserChange({ role: 'marketer' }, { target: admin, actorUserId: 'b', otherActiveAdmins: 1 })).toBeNull();
  });

  it('refuses an admin demoting or deactivating themselves even with other admins', () => {
    const facts = { target: admin, actorUserId: 'a', otherActiveAdmins: 3 };
    expect(refuseUserChange({ role: 'support' }, facts)).toMatch(/yourself/);
    expect(refuseUserChange({ disabled: true }, facts)).toMatch(/yourself/);
    expect(refuseUserChange({ role: 'admin' }, facts)).toBeNull();
  });

  it('leaves changes to other roles alone', () => {
    const support = { id: 's', role: 'support' as const, disabled: false };
    expect(refuseUserChange({ disabled: true }, { target: support, actorUserId: 'a', otherActiveAdmins: 0 })).toBeNull();
    expect(refuseUserChange({ role: 'admin' }, { target: support, actorUserId: 'a', otherActiveAdmins: 0 })).toBeNull();
  });

  it('lets a disabled admin be re-enabled or demoted', () => {
    const disabled = { id: 'd', role: 'admin' as const, disabled: true };
    expect(refuseUserChange({ role: 'support' }, { target: disabled, actorUserId: 'a', otherActiveAdmins: 0 })).toBeNull();
  });
});
