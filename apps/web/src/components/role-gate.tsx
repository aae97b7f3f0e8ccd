import type { ReactNode } from 'react';
import { readFromEngine } from '@/lib/engine-server';
import { type Area, canSee } from '@/lib/navigation';
import { meResponseSchema } from '@/lib/session-user';
import { ErrorNotice } from './error-notice';
import { NotAllowed } from './not-allowed';

/**
 * Wraps a page (or a layout) of an area: a role that may not see the area
 * gets the "Not allowed" page instead of the content. Use it in any page:
 * `<RoleGate area="audit">…</RoleGate>`. The engine refuses the data anyway;
 * this makes the refusal a page a person understands.
 */
export async function RoleGate({ area, children }: { area: Area; children: ReactNode }) {
  const me = await readFromEngine('/api/auth/me', meResponseSchema);
  if (!me.ok) return <ErrorNotice problem={me.problem} />;
  if (!canSee(me.data.user.role, area)) return <NotAllowed area={area} role={me.data.user.role} />;
  return <>{children}</>;
}
