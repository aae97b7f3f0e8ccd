import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { ErrorNotice } from '@/components/error-notice';
import { NotAllowed } from '@/components/not-allowed';
import { Inbox } from '@/components/inbox/inbox';
import { readFromEngine } from '@/lib/engine-server';
import { canSee } from '@/lib/navigation';
import { meResponseSchema } from '@/lib/session-user';

export const metadata: Metadata = { title: 'Inbox' };

/**
 * The support console. It lives in the layout so the list, the live stream
 * and the drafts survive moving from one conversation to the next; the pages
 * below only name which one is open.
 */
export default async function InboxLayout({ children }: { children: ReactNode }) {
  const me = await readFromEngine('/api/auth/me', meResponseSchema);
  if (!me.ok) return <ErrorNotice problem={me.problem} />;
  if (!canSee(me.data.user.role, 'inbox')) return <NotAllowed area="inbox" role={me.data.user.role} />;
  return (
    <>
      <Inbox user={me.data.user} />
      {children}
    </>
  );
}
