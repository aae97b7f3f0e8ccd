'use client';

import { useParams, useRouter } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { z } from 'zod';
import { callEngine } from '@/lib/editor/engine-client';
import {
  type CannedReply,
  cannedReplySchema,
  type Conversation,
  type ConversationDetail,
  conversationSchema,
  detailSchema,
  entrySchema,
  type ListFilters,
  listPath,
  listSchema,
  messageSchema,
  noteSchema,
  post,
  type TabCounts,
  type TimelineEntry,
  timelineSchema,
} from '@/lib/inbox/inbox-api';
import { type LiveEvent, useLiveStream } from '@/lib/inbox/use-live-stream';
import type { SessionUser } from '@/lib/session-user';
import { ContactPanel } from './contact-panel';
import { ConversationList } from './conversation-list';
import { ConversationThread } from './conversation-thread';
import styles from './inbox.module.css';
import { ShortcutSheet } from './shortcut-sheet';

function unreadOf(conversation: Conversation): number {
  return Math.max(0, conversation.inboundCount - Math.max(conversation.inboundSeen, conversation.resolvedInboundCount));
}

/** A conversation from the stream, with this user's own read marker kept. */
function merge(previous: Conversation | undefined, next: Conversation): Conversation {
  const inboundSeen = previous ? Math.max(previous.inboundSeen, next.inboundSeen) : next.inboundSeen;
  const merged = { ...next, inboundSeen };
  return { ...merged, unread: unreadOf(merged) };
}

function byActivity(a: Conversation, b: Conversation): number {
  return Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt);
}

/** `conversation.updated`: the conversation's id and only the fields that changed. */
const conversationEvent = z.object({ conversationId: z.string(), changes: conversationSchema.omit({ id: true, contact: true }).partial() });
const messageEvent = z.object({ conversationId: z.string(), message: messageSchema });
const noteEvent = z.object({ conversationId: z.string(), note: noteSchema });
const readEvent = z.object({ conversationId: z.string(), inboundSeen: z.number() });

/**
 * The support console: conversations on the left, the open conversation in
 * the middle, the contact and automation on the right. Everything updates
 * from the live stream without a reload.
 */
export function Inbox({ user }: { user: SessionUser }) {
  const params = useParams<{ conversationId?: string }>();
  const selectedId = typeof params.conversationId === 'string' ? params.conversationId : null;
  const router = useRouter();
  const canWrite = user.role === 'admin' || user.role === 'support';

  const [filters, setFilters] = useState<ListFilters>({ tab: 'all', status: 'active', q: '', sort: 'last_activity' });
  const [conversations, setConversations] = useState<Conversation[]>([]);
  const [counts, setCounts] = useState<TabCounts>({ mine: 0, unassigned: 0, all: 0 });
  const [listError, setListError] = useState<string | null>(null);
  const [listLoaded, setListLoaded] = useState(false);
  const [detail, setDetail] = useState<ConversationDetail | null>(null);
  const [entries, setEntries] = useState<TimelineEntry[]>([]);
  const [nextBefore, setNextBefore] = useState<string | null>(null);
  const [threadError, setThreadError] = useState<string | null>(null);
  const [canned, setCanned] = useState<CannedReply[]>([]);
  const [sheetOpen, setSheetOpen] = useState(false);
  const [composerMode, setComposerMode] = useState<'reply' | 'note'>('reply');
  const [focusComposer, setFocusComposer] = useState(0);
  const [now, setNow] = useState(() => new Date());

  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;
  const detailRef = useRef(detail);
  detailRef.current = detail;

  const loadList = useCallback(async () => {
    const answer = await callEngine(listPath(filtersRef.current), listSchema);
    if (!answer.ok) {
      setListError(answer.message);
      return;
    }
    setListError(null);
    setListLoaded(true);
    setConversations(answer.data.data);
    setCounts(answer.data.counts);
  }, []);

  const loadDetail = useCallback(async (id: string) => {
    const answer = await callEngine(`/api/conversations/${id}`, detailSchema);
    if (selectedRef.current !== id) return;
    if (!answer.ok) {
      setThreadError(answer.message);
      return;
    }
    setThreadError(null);
    setDetail(answer.data);
  }, []);

  const loadTimeline = useCallback(async (id: string) => {
    const answer = await callEngine(`/api/conversations/${id}/messages?limit=50`, timelineSchema);
    if (selectedRef.current !== id || !answer.ok) return;
    setEntries(answer.data.data);
    setNextBefore(answer.data.nextBefore);
  }, []);

  const loadOlder = useCallback(async () => {
    const id = selectedRef.current;
    if (!id || !nextBefore) return;
    const answer = await callEngine(`/api/conversations/${id}/messages?limit=50&before=${encodeURIComponent(nextBefore)}`, timelineSchema);
    if (selectedRef.current !== id || !answer.ok) return;
    setEntries((current) => [...current, ...answer.data.data.filter((e) => !current.some((c) => c.id === e.id))]);
    setNextBefore(answer.data.nextBefore);
  }, [nextBefore]);

  const markRead = useCallback(
    async (id: string) => {
      if (!canWrite) return;
      const answer = await post(`/api/conversations/${id}/read`, readEvent.pick({ inboundSeen: true }));
      if (answer.ok) {
        setConversations((list) => list.map((c) => (c.id === id ? { ...c, inboundSeen: answer.data.inboundSeen, unread: 0 } : c)));
      }
    },
    [canWrite],
  );

  useEffect(() => {
    void loadList();
  }, [filters, loadList]);

  useEffect(() => {
    void callEngine('/api/canned-replies', z.object({ data: z.array(cannedReplySchema) })).then((answer) => {
      if (answer.ok) setCanned(answer.data.data);
    });
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    setDetail(null);
    setComposerMode('reply');
    setEntries([]);
    setNextBefore(null);
    setThreadError(null);
    if (!selectedId) return;
    void loadDetail(selectedId);
    void loadTimeline(selectedId);
    void markRead(selectedId);
  }, [selectedId, loadDetail, loadTimeline, markRead]);

  // Tab counts and filter membership come from the server: a burst of events reloads the list once.
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const scheduleReload = useCallback(() => {
    if (reloadTimer.current) clearTimeout(reloadTimer.current);
    reloadTimer.current = setTimeout(() => void loadList(), 150);
  }, [loadList]);

  const onLive = useCallback(
    (event: LiveEvent) => {
      const selected = selectedRef.current;
      switch (event.type) {
        case 'conversation.updated': {
          const parsed = conversationEvent.safeParse(event.data);
          if (!parsed.success) return;
          const { conversationId, changes } = parsed.data;
          // A conversation this list does not have yet arrives with the reload below (the event has only what changed).
          setConversations((list) => list.map((c) => (c.id === conversationId ? merge(c, { ...c, ...changes }) : c)).sort(byActivity));
          if (conversationId === selected)
            setDetail((current) =>
              current ? { ...current, conversation: merge(current.conversation, { ...current.conversation, ...changes }) } : current,
            );
          scheduleReload();
          return;
        }
        case 'message.created':
        case 'message.updated': {
          const parsed = messageEvent.safeParse(event.data);
          if (!parsed.success || parsed.data.conversationId !== selected) return;
          const message = parsed.data.message;
          setEntries((list) =>
            list.some((e) => e.id === message.id) ? list.map((e) => (e.id === message.id ? message : e)) : [message, ...list],
          );
          if (event.type === 'message.created') {
            // A new message may have ended or held a run: the contact panel follows.
            void loadDetail(parsed.data.conversationId);
            if (message.direction === 'inbound' && document.visibilityState === 'visible') void markRead(parsed.data.conversationId);
          }
          return;
        }
        case 'note.created': {
          const parsed = noteEvent.safeParse(event.data);
          if (!parsed.success || parsed.data.conversationId !== selected) return;
          const note = entrySchema.safeParse(parsed.data.note);
          if (note.success) setEntries((list) => (list.some((e) => e.id === note.data.id) ? list : [note.data, ...list]));
          return;
        }
        case 'conversation.read': {
          const parsed = readEvent.safeParse(event.data);
          if (!parsed.success) return;
          setConversations((list) =>
            list.map((c) => (c.id === parsed.data.conversationId ? merge(c, { ...c, inboundSeen: parsed.data.inboundSeen }) : c)),
          );
          return;
        }
        case 'conversation.status_changed':
        case 'conversation.assigned':
          scheduleReload();
          return;
        case 'pause.changed':
        case 'reset':
        case 'connected':
        case 'reconnected':
          scheduleReload();
          if (selected) {
            void loadDetail(selected);
            if (event.type !== 'pause.changed') void loadTimeline(selected);
          }
          return;
        default:
          return;
      }
    },
    [scheduleReload, markRead, loadDetail, loadTimeline],
  );
  const liveState = useLiveStream(onLive);

  const open = useCallback((id: string) => router.push(`/inbox/${id}`), [router]);

  const act = useCallback(
    async (path: string, body: unknown): Promise<string | null> => {
      const id = selectedRef.current;
      if (!id) return 'No conversation is open.';
      const answer = await post(`/api/conversations/${id}/${path}`, conversationSchema, body);
      if (!answer.ok) return answer.message;
      setDetail((current) => (current ? { ...current, conversation: merge(current.conversation, answer.data) } : current));
      scheduleReload();
      return null;
    },
    [scheduleReload],
  );

  const move = useCallback(
    (step: 1 | -1) => {
      if (conversations.length === 0) return;
      const index = conversations.findIndex((c) => c.id === selectedRef.current);
      const next = conversations[Math.min(conversations.length - 1, Math.max(0, index === -1 ? 0 : index + step))];
      if (next) open(next.id);
    },
    [conversations, open],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && sheetOpen) {
        setSheetOpen(false);
        return;
      }
      if ((event.ctrlKey || event.metaKey) && event.key === '/') {
        event.preventDefault();
        setSheetOpen((value) => !value);
        return;
      }
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const key = event.code;
      if (key === 'KeyJ') move(1);
      else if (key === 'KeyK') move(-1);
      else if (key === 'KeyL' && canWrite) {
        setComposerMode('reply');
        setFocusComposer((n) => n + 1);
      } else if (key === 'KeyP' && canWrite) {
        setComposerMode('note');
        setFocusComposer((n) => n + 1);
      } else if (key === 'KeyE' && canWrite) void act('status', { status: 'resolved' });
      else if (key === 'KeyM' && canWrite) void act('status', { status: 'snoozed', snoozeUntil: null });
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [move, act, canWrite, sheetOpen]);

  const selected = useMemo(
    () => detail?.conversation ?? conversations.find((c) => c.id === selectedId) ?? null,
    [detail, conversations, selectedId],
  );

  return (
    <div className={styles.inbox}>
      <h1 className="visually-hidden">Inbox</h1>
      <ConversationList
        conversations={conversations}
        counts={counts}
        filters={filters}
        onFilters={setFilters}
        selectedId={selectedId}
        loaded={listLoaded}
        error={listError}
        liveState={liveState}
        now={now}
        onShortcuts={() => setSheetOpen(true)}
      />
      <ConversationThread
        user={user}
        canWrite={canWrite}
        conversation={selected}
        contact={detail?.contact ?? null}
        entries={entries}
        hasOlder={nextBefore !== null}
        onLoadOlder={loadOlder}
        error={threadError}
        canned={canned}
        composerMode={composerMode}
        onComposerMode={setComposerMode}
        focusComposer={focusComposer}
        onAct={act}
        onSent={() => {
          if (selectedRef.current) void loadDetail(selectedRef.current);
        }}
        onLocalEntry={(entry) => setEntries((list) => [entry, ...list])}
        now={now}
      />
      <ContactPanel
        detail={detail}
        canWrite={canWrite}
        now={now}
        onChanged={() => {
          if (selectedRef.current) void loadDetail(selectedRef.current);
          scheduleReload();
        }}
      />
      {sheetOpen ? <ShortcutSheet onClose={() => setSheetOpen(false)} /> : null}
    </div>
  );
}
