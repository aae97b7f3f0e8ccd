import type { Metadata } from 'next';
import Link from 'next/link';
import { ContactList } from '@/components/contacts/contact-list';
import { readFromEngine } from '@/lib/engine-server';
import { meResponseSchema } from '@/lib/session-user';

export const metadata: Metadata = { title: 'Contacts' };

export default async function ContactsPage() {
  const me = await readFromEngine('/api/auth/me', meResponseSchema);
  const canEdit = me.ok && me.data.user.role !== 'support';
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Contacts</h1>
          <p className="page-subtitle">Every customer, with their numbers, consent, tags and CRM links.</p>
        </div>
        <Link className="button button-secondary" href="/contacts/products">
          Products
        </Link>
        <Link className="button button-secondary" href="/contacts/duplicates">
          Duplicates
        </Link>
        {canEdit ? (
          <Link className="button button-primary" href="/contacts/import">
            Import CSV
          </Link>
        ) : null}
      </div>
      <ContactList canEdit={canEdit} />
    </div>
  );
}
