import type { UserRole } from './session-user';

/** The product's areas, each a top-level page of the navigation. */
export type Area = 'flows' | 'inbox' | 'executions' | 'contacts' | 'reports' | 'audit' | 'settings';

export interface NavItem {
  area: Area;
  href: string;
  label: string;
}

/** In the order the navigation shows them. */
export const NAV_ITEMS: readonly NavItem[] = [
  { area: 'flows', href: '/flows', label: 'Flows' },
  { area: 'inbox', href: '/inbox', label: 'Inbox' },
  { area: 'executions', href: '/executions', label: 'Executions' },
  { area: 'contacts', href: '/contacts', label: 'Contacts' },
  { area: 'reports', href: '/reports', label: 'Reports' },
  { area: 'audit', href: '/audit', label: 'Audit' },
  { area: 'settings', href: '/settings', label: 'Settings' },
];

/**
 * Who sees which area (issue 13). Support reads flows but cannot edit them
 * (the flow pages hide editing for support); marketers build flows and read
 * their results but do not answer customers or manage the workspace.
 */
const AREAS_BY_ROLE: Record<UserRole, readonly Area[]> = {
  admin: ['flows', 'inbox', 'executions', 'contacts', 'reports', 'audit', 'settings'],
  marketer: ['flows', 'executions', 'contacts', 'reports'],
  support: ['flows', 'inbox', 'contacts'],
};

export function canSee(role: UserRole, area: Area): boolean {
  return AREAS_BY_ROLE[role].includes(area);
}

export function navItemsFor(role: UserRole): NavItem[] {
  return NAV_ITEMS.filter((item) => canSee(role, item.area));
}

/** The area a path belongs to, if any (for the "current page" mark). */
export function areaOf(pathname: string): Area | null {
  const item = NAV_ITEMS.find((i) => pathname === i.href || pathname.startsWith(`${i.href}/`));
  return item?.area ?? null;
}

/** Where a role lands after signing in or from a page it may not see. */
export function homeFor(role: UserRole): string {
  return role === 'support' ? '/inbox' : '/flows';
}
