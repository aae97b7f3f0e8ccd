import type { Metadata } from 'next';
import { ContactPage } from '@/components/contacts/contact-page';
import { readFromEngine } from '@/lib/engine-server';
import { meResponseSchema } from '@/lib/session-user';

export const metadata: Metadata = { title: 'Contact' };

export default async function ContactDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const me = await readFromEngine('/api/auth/me', meResponseSchema);
  return (
    <div className="page">
      <ContactPage id={id} canEdit={me.ok} isAdmin={me.ok && me.data.user.role === 'admin'} />
    </div>
  );
}
