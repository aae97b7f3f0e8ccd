import Link from 'next/link';
import { formatRole } from '@/lib/format-role';
import { homeFor, NAV_ITEMS, type Area } from '@/lib/navigation';
import type { UserRole } from '@/lib/session-user';

interface NotAllowedProps {
  area: Area;
  role: UserRole;
}

/** What a page answers a role that may not see it: why, and the way back (never a blank screen). */
export function NotAllowed({ area, role }: NotAllowedProps) {
  const label = NAV_ITEMS.find((item) => item.area === area)?.label ?? 'This page';
  return (
    <div className="page">
      <div className="notice notice-warning" role="alert">
        <h1 className="not-allowed-title">Not allowed</h1>
        <p>
          {label} is not available to your role ({formatRole(role)}). Ask an admin of your workspace if you need it.
        </p>
        <div className="notice-actions">
          <Link className="button button-primary" href={homeFor(role)}>
            Go to {homeFor(role) === '/inbox' ? 'the inbox' : 'flows'}
          </Link>
        </div>
      </div>
    </div>
  );
}
