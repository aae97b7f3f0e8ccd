import type { ReactNode } from 'react';
import { RoleGate } from '@/components/role-gate';

/**
 * The audit trail, for admins only. Other roles get the "Not allowed" page
 * instead of a page of the engine's refusals.
 */
export default function AuditLayout({ children }: { children: ReactNode }) {
  return <RoleGate area="audit">{children}</RoleGate>;
}
