'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import type { Conversation, ListFilters, TabCounts } from '@/lib/inbox/inbox-api';
import { clockTime, waitingFor } from '@/lib/inbox/inbox-time';
import styles from './inbox.module.css';

const TABS: { key: ListFilters['tab']; label: string }[] = [
  { key: 'mine', label: 'Mine' },
  { key: 'unassigned', label: 'Unassigned' },
  { key: 'all', label: 'All' },
];

const STATUS_LABELS: Record<ListFilters['status'], string> = {
  active: 'Open and bot',
  open: 'Open',
  pending: 'With the bot',
  snoozed: 'Snoozed',
  resolved: 'Resolved',
  all: 'Any status',
};

export function statusLabel(status: Conversation['status']): string {
  return status === 'pending' ? 'Bot' : status === 'open' ? 'Open' : status === 'snoozed' ? 'Snoozed' : 'Resolved';
}

interface ConversationListProps {
  conversations: Conversation[];
  counts: TabCounts;
  filters: ListFilters;
  onFilters(filters: ListFilters): void;
  selectedId: string | null;
  loaded: boolean;
  error: string | null;
  liveState: 'connecting' | 'live' | 'reconnecting';
  now: Date;
  onShortcuts(): void;
}

/** The left pane: tabs with counts, status filter, search, and the conversations. */
export function ConversationList(props: ConversationListProps) {
  const { conversations, counts, filters, onFilters, selectedId, now } = props;
  const [search, setSearch] = useState(filters.q);
  useEffect(() => {
    const timer = setTimeout(() => {
      if (search !== filters.q) onFilters({ ...filters, q: search });
    }, 300);
    return () => clearTimeout(timer);
  }, [search, filters, onFilters]);

  return (
    <section className={styles.listPane} aria-label="Conversations">
      <div className={styles.listHeader}>
        <div role="tablist" aria-label="Whose conversations" className={styles.tabs}>
          {TABS.map((tab) => (
            <button
              key={tab.key}
              type="button"
              role="tab"
              aria-selected={filters.tab === tab.key}
              className={styles.tab}
              onClick={() => onFilters({ ...filters, tab: tab.key })}
            >
              {tab.label} <span className={styles.tabCount}>{counts[tab.key]}</span>
            </button>
          ))}
        </div>
        <div className={styles.listTools}>
          <label className="visually-hidden" htmlFor="inbox-status">
            Status
          </label>
          <select
            id="inbox-status"
            className={styles.select}
            value={filters.status}
            onChange={(event) => {
              const value = Object.keys(STATUS_LABELS).find((k) => k === event.target.value);
              if (
                value === 'active' ||
                value === 'open' ||
                value === 'pending' ||
                value === 'snoozed' ||
                value === 'resolved' ||
                value === 'all'
              )
                onFilters({ ...filters, status: value });
            }}
          >
            {Object.entries(STATUS_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          <label className="visually-hidden" htmlFor="inbox-sort">
            Sort
          </label>
          <select
            id="inbox-sort"
            className={styles.select}
            value={filters.sort}
            onChange={(event) =>
              onFilters({ ...filters, sort: event.target.value === 'waiting_since' ? 'waiting_since' : 'last_activity' })
            }
          >
            <option value="last_activity">Latest activity</option>
            <option value="waiting_since">Waiting longest</option>
          </select>
        </div>
        <input
          type="search"
          className={styles.search}
          aria-label="Search messages and contacts"
          placeholder="Search messages, names, numbers"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
      </div>
      {props.error ? (
        <p role="alert" className={styles.listNotice}>
          {props.error}
        </p>
      ) : null}
      <ul className={styles.list} aria-label="Conversation list">
        {conversations.map((conversation) => {
          const name = conversation.contact.name ?? conversation.contact.phone ?? 'Unknown customer';
          const unread = conversation.unread;
          return (
            <li key={conversation.id}>
              <Link
                href={`/inbox/${conversation.id}`}
                className={styles.row}
                aria-current={conversation.id === selectedId ? 'true' : undefined}
                aria-label={`${name}${unread > 0 ? `, ${unread} unread` : ''}, ${statusLabel(conversation.status)}`}
              >
                <span className={styles.rowTop}>
                  <span className={styles.rowName}>{name}</span>
                  <span className={styles.rowTime}>{conversation.lastMessage ? clockTime(conversation.lastMessage.at) : ''}</span>
                </span>
                <span className={styles.rowPreview}>
                  {conversation.lastMessage?.direction === 'outbound' ? <span className={styles.you}>Sent: </span> : null}
                  {conversation.lastMessage?.preview ?? 'No messages yet'}
                </span>
                <span className={styles.rowMeta}>
                  <span className={`${styles.status} ${styles[`status_${conversation.status}`] ?? ''}`}>
                    {statusLabel(conversation.status)}
                  </span>
                  {conversation.waitingSince ? (
                    <span className={styles.waiting}>Waiting {waitingFor(conversation.waitingSince, now)}</span>
                  ) : null}
                  {conversation.automation.state === 'paused' ? <span className={styles.pausedTag}>Bot paused</span> : null}
                  {!conversation.window.open ? <span className={styles.closedTag}>Window closed</span> : null}
                  {unread > 0 ? (
                    <span className={styles.unread} aria-hidden="true">
                      {unread}
                    </span>
                  ) : null}
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
      {props.loaded && conversations.length === 0 ? <p className={styles.listNotice}>No conversations here.</p> : null}
      <footer className={styles.listFooter}>
        <span className={styles.live} data-state={props.liveState}>
          {props.liveState === 'live' ? 'Live' : props.liveState === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        </span>
        <button type="button" className={styles.linkButton} onClick={props.onShortcuts}>
          Keyboard shortcuts
        </button>
      </footer>
    </section>
  );
}
