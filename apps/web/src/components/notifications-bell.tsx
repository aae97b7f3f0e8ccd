'use client';

import Link from 'next/link';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { formatRelativeTime } from '@/lib/format-relative-time';
import {
  type AppNotification,
  loadNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  notificationLink,
} from '@/lib/notifications';
import styles from './notifications-bell.module.css';

/** New notifications show up without a reload; a minute is soon enough for failures and quality alerts. */
const REFRESH_MS = 60_000;

function unreadLabel(count: number): string {
  if (count === 0) return 'Notifications, none unread';
  return count === 1 ? 'Notifications, 1 unread' : `Notifications, ${count} unread`;
}

/** The bell in the header: the workspace's notifications for you, the unread count, mark read. */
export function NotificationsBell() {
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<AppNotification[]>([]);
  const [unread, setUnread] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const panelId = useId();
  const wrapper = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  const refresh = useCallback(async () => {
    const answer = await loadNotifications();
    if (!answer.ok) return setProblem(answer.message);
    setProblem(null);
    setItems(answer.data.data);
    setUnread(answer.data.unread);
  }, []);

  useEffect(() => {
    void refresh();
    const timer = window.setInterval(() => void refresh(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [refresh]);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    const onClick = (event: MouseEvent) => {
      if (event.target instanceof Node && !wrapper.current?.contains(event.target)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);

  const markRead = async (id: string) => {
    const answer = await markNotificationRead(id);
    if (!answer.ok) return setProblem(answer.message);
    await refresh();
  };

  const markAll = async () => {
    const answer = await markAllNotificationsRead();
    if (!answer.ok) return setProblem(answer.message);
    await refresh();
  };

  return (
    <div className={styles.wrapper} ref={wrapper}>
      <button
        ref={button}
        type="button"
        className={styles.bell}
        aria-label={unreadLabel(unread)}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => {
          setOpen(!open);
          if (!open) void refresh();
        }}
      >
        <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2">
          <path d="M18 8a6 6 0 1 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.7 21a2 2 0 0 1-3.4 0" />
        </svg>
        {unread > 0 ? (
          <span className={styles.count} aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <section id={panelId} className={styles.panel} aria-label="Notifications">
          <div className={styles.panelHeader}>
            <h2 className={styles.title}>Notifications</h2>
            <button type="button" className="button button-secondary button-small" disabled={unread === 0} onClick={() => void markAll()}>
              Mark all read
            </button>
          </div>
          {problem ? (
            <p className="notice notice-error" role="alert">
              {problem}
            </p>
          ) : null}
          {items.length === 0 ? (
            <p className={styles.empty}>Nothing yet. Failed executions, parked webhooks and WhatsApp quality alerts show up here.</p>
          ) : (
            <ul className={styles.list}>
              {items.map((item) => {
                const href = notificationLink(item);
                return (
                  <li key={item.id} className={item.read ? styles.item : `${styles.item} ${styles.unread}`}>
                    <div className={styles.itemText}>
                      {href ? (
                        <Link href={href} className={styles.itemTitle} onClick={() => setOpen(false)}>
                          {item.title}
                        </Link>
                      ) : (
                        <span className={styles.itemTitle}>{item.title}</span>
                      )}
                      {item.body ? <span className={styles.itemBody}>{item.body}</span> : null}
                      <time className={styles.itemTime} dateTime={item.createdAt} title={item.createdAt}>
                        {formatRelativeTime(item.createdAt)}
                      </time>
                    </div>
                    {item.read ? null : (
                      <button
                        type="button"
                        className="button button-secondary button-small"
                        aria-label={`Mark “${item.title}” read`}
                        onClick={() => void markRead(item.id)}
                      >
                        Mark read
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </section>
      ) : null}
    </div>
  );
}
