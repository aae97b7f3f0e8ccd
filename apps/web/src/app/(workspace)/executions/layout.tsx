import type { ReactNode } from 'react';
import { RoleGate } from '@/components/role-gate';

/**
 * Every execution of every flow, for admins and marketers. Support reads
 * flows, not their runs: the engine lets every role read executions, so
 * without this gate a support user who typed the address saw the page its
 * navigation hides; now they get the "Not allowed" page.
 */
export default function ExecutionsLayout({ children }: { children: ReactNode }) {
  return <RoleGate area="executions">{children}</RoleGate>;
}
