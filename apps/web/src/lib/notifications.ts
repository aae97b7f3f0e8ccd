import { z } from 'zod';
import { callEngine, type ClientAnswer } from './editor/engine-client';

export const notificationSchema = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  createdAt: z.string(),
  read: z.boolean(),
});
export type AppNotification = z.infer<typeof notificationSchema>;

const listSchema = z.object({ data: z.array(notificationSchema), unread: z.number() });

export function loadNotifications(): Promise<ClientAnswer<z.infer<typeof listSchema>>> {
  return callEngine('/api/notifications', listSchema);
}

export function markNotificationRead(id: string): Promise<ClientAnswer<unknown>> {
  return callEngine(`/api/notifications/${encodeURIComponent(id)}/read`, z.unknown(), { method: 'POST', body: '{}' });
}

export function markAllNotificationsRead(): Promise<ClientAnswer<unknown>> {
  return callEngine('/api/notifications/read-all', z.unknown(), { method: 'POST', body: '{}' });
}

/** Where a notification's subject lives, when the product has a page for it. */
export function notificationLink(notification: AppNotification): string | null {
  if (notification.subjectType === 'execution' && notification.subjectId) return `/executions/${notification.subjectId}`;
  if (notification.subjectType === 'flow' && notification.subjectId) return `/flows/${notification.subjectId}`;
  if (notification.subjectType === 'conversation' && notification.subjectId) return `/inbox/${notification.subjectId}`;
  if (notification.subjectType === 'whatsapp_number' || notification.subjectType === 'whatsapp_template') return '/settings/numbers';
  // Parked deliveries are listed (with Replay) under the executions page's health strip.
  if (notification.subjectType === 'webhook_delivery') return '/executions';
  return null;
}
