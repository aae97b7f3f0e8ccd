import type { Metadata } from 'next';
import { ContactImport } from '@/components/contacts/contact-import';

export const metadata: Metadata = { title: 'Import contacts' };

export default function ImportContactsPage() {
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Import contacts</h1>
          <p className="page-subtitle">A CSV with a header row. Check it with a dry run first: nothing changes until you import.</p>
        </div>
      </div>
      <ContactImport />
    </div>
  );
}
