import type { Metadata } from 'next';
import { DuplicateReview } from '@/components/contacts/duplicate-review';
import { readFromEngine } from '@/lib/engine-server';
import { meResponseSchema } from '@/lib/session-user';

export const metadata: Metadata = { title: 'Duplicate contacts' };

export default async function DuplicatesPage() {
  const me = await readFromEngine('/api/auth/me', meResponseSchema);
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Duplicate contacts</h1>
          <p className="page-subtitle">
            Pairs with the same number or email, or names at least 80% alike who bought the same product within 90 days. Nothing is merged
            without you, except the same WhatsApp identity.
          </p>
        </div>
      </div>
      <DuplicateReview canScan={me.ok && me.data.user.role !== 'support'} />
    </div>
  );
}
