import type { ReactNode } from 'react';
import { RoleGate } from '@/components/role-gate';

/**
 * The reports, for admins and marketers. Support gets the "Not allowed" page
 * instead of report pages its navigation does not link.
 */
export default function ReportsLayout({ children }: { children: ReactNode }) {
  return <RoleGate area="reports">{children}</RoleGate>;
}
