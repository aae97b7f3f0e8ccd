import type { Metadata } from 'next';
import { ConflictReview } from '@/components/crm/conflict-review';

export const metadata: Metadata = { title: 'Sync conflicts' };

/** /contacts/review: the review queue of fields changed on both sides of a CRM sync. */
export default function ContactsReviewPage() {
  return <ConflictReview />;
}
