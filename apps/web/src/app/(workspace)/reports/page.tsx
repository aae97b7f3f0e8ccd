import { redirect } from 'next/navigation';

/** The reports start with service efficiency. */
export default function ReportsPage() {
  redirect('/reports/service');
}
