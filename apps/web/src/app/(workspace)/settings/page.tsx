import { redirect } from 'next/navigation';

/** Settings open on the users page. */
export default function SettingsPage() {
  redirect('/settings/users');
}
