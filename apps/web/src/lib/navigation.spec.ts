import { areaOf, canSee, navItemsFor } from './navigation';

describe('navigation by role', () => {
  it('gives each role its own items, in one order', () => {
    expect(navItemsFor('admin').map((i) => i.label)).toEqual(['Flows', 'Inbox', 'Executions', 'Contacts', 'Reports', 'Audit', 'Settings']);
    expect(navItemsFor('marketer').map((i) => i.label)).toEqual(['Flows', 'Executions', 'Contacts', 'Reports']);
    expect(navItemsFor('support').map((i) => i.label)).toEqual(['Flows', 'Inbox', 'Contacts']);
  });

  it('keeps settings and the audit trail to admins', () => {
    expect(canSee('admin', 'settings')).toBe(true);
    expect(canSee('marketer', 'settings')).toBe(false);
    expect(canSee('support', 'audit')).toBe(false);
    expect(canSee('marketer', 'inbox')).toBe(false);
  });

  it('finds the area of nested paths', () => {
    expect(areaOf('/settings/users')).toBe('settings');
    expect(areaOf('/flows/abc/executions/def')).toBe('flows');
    expect(areaOf('/settingsx')).toBeNull();
  });
});
