import { refuseMemberRemoval, refuseUserChange } from './admin-change-rule';

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

describe('the last-admin rule across workspaces', () => {
  it('refuses deactivating a user who is the last active admin of a workspace they were added to', () => {
    const support = { id: 's', role: 'support' as const, disabled: false };
    const facts = {
      target: support,
      actorUserId: 'a',
      otherActiveAdmins: 0,
      adminElsewhere: [
        { workspaceName: 'Branch A', otherActiveAdmins: 2 },
        { workspaceName: 'Branch B', otherActiveAdmins: 0 },
      ],
    };
    expect(refuseUserChange({ disabled: true }, facts)).toMatch(/last active admin of the workspace “Branch B”/);
    // A role change here leaves their role there alone.
    expect(refuseUserChange({ role: 'marketer' }, facts)).toBeNull();
    expect(
      refuseUserChange({ disabled: true }, { ...facts, adminElsewhere: [{ workspaceName: 'Branch B', otherActiveAdmins: 1 }] }),
    ).toBeNull();
  });

  it('refuses removing the last active admin added to a workspace, not a disabled one or another role', () => {
    expect(refuseMemberRemoval({ role: 'admin', disabled: false }, 0)).toMatch(/last active admin/);
    expect(refuseMemberRemoval({ role: 'admin', disabled: false }, 1)).toBeNull();
    expect(refuseMemberRemoval({ role: 'admin', disabled: true }, 0)).toBeNull();
    expect(refuseMemberRemoval({ role: 'support', disabled: false }, 0)).toBeNull();
  });
});
