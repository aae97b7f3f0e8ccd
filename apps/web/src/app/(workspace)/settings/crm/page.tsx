import type { Metadata } from 'next';
import { CrmSettings } from '@/components/crm/crm-settings';

export const metadata: Metadata = { title: 'CRM' };

/** /settings/crm: the CRM connection, its test and its sync health (admins). */
export default function CrmSettingsPage() {
  return <CrmSettings />;
}
