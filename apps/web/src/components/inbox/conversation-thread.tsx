'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import type { CannedReply, Conversation, ConversationDetail, TimelineEntry, TimelineMessage } from '@/lib/inbox/inbox-api';
import { clockTime, dayLabel, untilLabel } from '@/lib/inbox/inbox-time';
import type { SessionUser } from '@/lib/session-user';
import { Composer } from './composer';
import { statusLabel } from './conversation-list';
import styles from './inbox.module.css';

interface ThreadProps {
  user: SessionUser;
  canWrite: boolean;
  conversation: Conversation | null;
  contact: ConversationDetail['contact'] | null;
  entries: TimelineEntry[];
  hasOlder: boolean;
  onLoadOlder(): Promise<void>;
  error: string | null;
  canned: CannedReply[];
  composerMode: 'reply' | 'note';
  onComposerMode(mode: 'reply' | 'note'): void;
  focusComposer: number;
  onAct(path: string, body: unknown): Promise<string | null>;
  onSent(): void;
  onLocalEntry(entry: TimelineEntry): void;
  now: Date;
}

const TICKS: Record<string, { mark: string; label: string }> = {
  accepted: { mark: '○', label: 'Sending' },
  sent: { mark: '✓', label: 'Sent' },
  delivered: { mark: '✓✓', label: 'Delivered' },
  read: { mark: '✓✓', label: 'Read' },
  played: { mark: '✓✓', label: 'Played' },
};

function Media({ message }: { message: TimelineMessage }) {
  const media = message.media;
  if (!media) return null;
  if (media.status === 'pending') return <p className={styles.mediaNote}>Fetching the {media.kind}…</p>;
  if (!media.url)
    return (
      <p className={styles.mediaNote}>
        The {media.kind} was not kept{media.error ? `: ${media.error}` : ''}.
      </p>
    );
  if (media.kind === 'image' || media.kind === 'sticker')
    return (
      <a href={media.url} target="_blank" rel="noreferrer" className={styles.mediaLink}>
        <img
          src={media.thumbnailUrl ?? media.url}
          alt={message.text ?? `${media.kind} from the conversation`}
          className={styles.thumbnail}
        />
      </a>
    );
  if (media.kind === 'audio') return <audio controls src={media.url} aria-label="Voice message" className={styles.audio} />;
  if (media.kind === 'video') return <video controls src={media.url} aria-label="Video" className={styles.video} />;
  return (
    <a href={media.url} className={styles.document}>
      Document: {media.filename ?? 'file'}
    </a>
  );
}

function Bubble({ message }: { message: TimelineMessage }) {
  const outbound = message.direction === 'outbound';
  const sender = message.sender;
  const failed = message.status === 'failed';
  const tick = message.status ? TICKS[message.status] : undefined;
  const isReaction = message.type === 'reaction';
  return (
    <li className={`${styles.bubbleRow} ${outbound ? styles.outRow : styles.inRow}`}>
      <article
        className={`${styles.bubble} ${outbound ? styles.out : styles.in} ${sender.kind === 'flow' ? styles.flowBubble : ''} ${failed ? styles.failedBubble : ''}`}
        aria-label={`${outbound ? (sender.kind === 'agent' ? `${sender.name} wrote` : 'The bot wrote') : 'The customer wrote'} at ${clockTime(message.occurredAt)}`}
      >
        {sender.kind === 'flow' ? (
          <p className={styles.senderLine}>
            <span aria-hidden="true">⚙︎ </span>
            Flow: {sender.flowName ?? 'a flow'}
            {sender.flowId && sender.executionId ? (
              <>
                {' · '}
                <Link href={`/flows/${sender.flowId}/executions/${sender.executionId}`}>Replay</Link>
              </>
            ) : null}
          </p>
        ) : sender.kind === 'agent' ? (
          <p className={styles.senderLine}>{sender.name}</p>
        ) : null}
        <Media message={message} />
        {message.details.header ? <p className={styles.header}>{message.details.header}</p> : null}
        {message.details.reply ? <p className={styles.tapped}>Tapped “{message.details.reply.title}”</p> : null}
        {message.details.template ? (
          <p className={styles.template}>
            Template <strong>{message.details.template.name}</strong>
            {message.details.template.parameters.length > 0 ? ` (${message.details.template.parameters.join(', ')})` : ''}
          </p>
        ) : null}
        {message.revokedAt ? (
          <p className={styles.deleted}>The customer deleted this message.</p>
        ) : isReaction ? (
          <p>Reacted {message.reactionEmoji ?? '(removed)'}</p>
        ) : message.text && !message.details.template && !message.details.reply ? (
          <p className={styles.text}>{message.text}</p>
        ) : null}
        {message.details.location ? (
          <p>Location: {message.details.location.name ?? `${message.details.location.latitude}, ${message.details.location.longitude}`}</p>
        ) : null}
        {message.details.footer ? <p className={styles.footer}>{message.details.footer}</p> : null}
        {message.details.buttons ? (
          <ul className={styles.choices} aria-label="Buttons the customer saw">
            {message.details.buttons.map((b) => (
              <li key={b}>{b}</li>
            ))}
          </ul>
        ) : null}
        {message.details.list ? (
          <ul className={styles.choices} aria-label={`List “${message.details.list.button}” the customer saw`}>
            {message.details.list.rows.map((row) => (
              <li key={row}>{row}</li>
            ))}
          </ul>
        ) : null}
        <p className={styles.meta}>
          {message.editedAt && !message.revokedAt ? <span>edited · </span> : null}
          <time dateTime={message.occurredAt}>{clockTime(message.occurredAt)}</time>
          {outbound && tick ? (
            <span className={`${styles.tick} ${message.status === 'read' ? styles.tickRead : ''}`} title={tick.label}>
              <span aria-hidden="true"> {tick.mark}</span>
              <span className="visually-hidden"> {tick.label}</span>
            </span>
          ) : null}
        </p>
        {failed ? (
          <p className={styles.failure} role="note">
            Not delivered
            {message.error ? `: ${message.error.title ?? 'failed'}${message.error.code ? ` (error ${message.error.code})` : ''}` : ''}
          </p>
        ) : null}
      </article>
    </li>
  );
}

function oldestFirst(entries: TimelineEntry[]): TimelineEntry[] {
  return [...entries].reverse();
}

/** The middle pane: who and what, the actions, the timeline and the composer. */
export function ConversationThread(props: ThreadProps) {
  const { conversation, entries, canWrite } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const top = useRef<HTMLDivElement>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const newest = entries[0]?.id;

  // New entries at the bottom keep the view at the bottom.
  useEffect(() => {
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [newest, conversation?.id]);

  // Scrolling up to the top loads older entries.
  useEffect(() => {
    const sentinel = top.current;
    if (!sentinel || !props.hasOlder) return;
    const observer = new IntersectionObserver(async ([entry]) => {
      if (!entry?.isIntersecting || loadingOlder) return;
      setLoadingOlder(true);
      const element = scroller.current;
      const before = element ? element.scrollHeight - element.scrollTop : 0;
      await props.onLoadOlder();
      if (element) element.scrollTop = element.scrollHeight - before;
      setLoadingOlder(false);
    });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [props.hasOlder, props.onLoadOlder, loadingOlder]);

  if (!conversation) {
    return (
      <section className={styles.threadPane} aria-label="Conversation">
        <div className={styles.empty}>
          {props.error ? (
            <p role="alert">{props.error}</p>
          ) : (
            <p>Choose a conversation on the left. Alt+J and Alt+K move through the list.</p>
          )}
        </div>
      </section>
    );
  }

  const name = conversation.contact.name ?? conversation.contact.phone ?? 'Unknown customer';
  const act = async (path: string, body: unknown) => setActionError(await props.onAct(path, body));
  let lastDay = '';

  return (
    <section className={styles.threadPane} aria-label={`Conversation with ${name}`}>
      <header className={styles.threadHeader}>
        <div>
          <h2 className={styles.threadTitle}>{name}</h2>
          <p className={styles.threadSub}>
            <span className={`${styles.status} ${styles[`status_${conversation.status}`] ?? ''}`}>{statusLabel(conversation.status)}</span>{' '}
            {conversation.assignee ? `Assigned to ${conversation.assignee.name}` : 'Unassigned'}
            {conversation.status === 'snoozed' && conversation.snoozedUntil
              ? ` · until ${untilLabel(conversation.snoozedUntil, props.now)}`
              : ''}
          </p>
        </div>
        {canWrite ? (
          <div className={styles.threadActions}>
            {conversation.assignee?.id !== props.user.id ? (
              <button
                type="button"
                className="button button-secondary button-small"
                onClick={() => void act('assign', { userId: props.user.id })}
              >
                Assign to me
              </button>
            ) : (
              <button type="button" className="button button-secondary button-small" onClick={() => void act('assign', { userId: null })}>
                Unassign
              </button>
            )}
            {conversation.status === 'resolved' || conversation.status === 'snoozed' ? (
              <button type="button" className="button button-secondary button-small" onClick={() => void act('status', { status: 'open' })}>
                Reopen
              </button>
            ) : (
              <>
                <button
                  type="button"
                  className="button button-secondary button-small"
                  onClick={() => void act('status', { status: 'snoozed', snoozeUntil: null })}
                  title="Until the customer writes again (Alt+M)"
                >
                  Snooze
                </button>
                <button
                  type="button"
                  className="button button-primary button-small"
                  onClick={() => void act('status', { status: 'resolved' })}
                  title="Alt+E"
                >
                  Resolve
                </button>
              </>
            )}
          </div>
        ) : null}
      </header>
      {conversation.status === 'pending' ? (
        <div className={styles.banner} role="status">
          <p>The bot is handling this conversation.</p>
          {canWrite ? (
            <button
              type="button"
              className="button button-primary button-small"
              onClick={() => void act('assign', { userId: props.user.id })}
            >
              Take over
            </button>
          ) : null}
        </div>
      ) : null}
      {actionError ? (
        <p role="alert" className={styles.actionError}>
          {actionError}
        </p>
      ) : null}
      <div className={styles.timeline} ref={scroller}>
        <div ref={top} className={styles.sentinel}>
          {props.hasOlder ? (loadingOlder ? 'Loading older messages…' : '') : entries.length > 0 ? 'Start of the conversation' : ''}
        </div>
        <ol className={styles.entries} aria-label="Messages">
          {oldestFirst(entries).flatMap((entry) => {
            const day = dayLabel(entry.occurredAt, props.now);
            const separator =
              day !== lastDay ? (
                <li key={`day-${entry.id}`} className={styles.daySeparator} role="separator" aria-label={day}>
                  <span>{day}</span>
                </li>
              ) : null;
            lastDay = day;
            const item =
              entry.kind === 'message' ? (
                <Bubble key={entry.id} message={entry} />
              ) : entry.kind === 'note' ? (
                <li key={entry.id} className={styles.noteRow}>
                  <article className={styles.note} aria-label={`Private note by ${entry.author?.name ?? 'someone'}`}>
                    <p className={styles.noteLabel}>Private note · {entry.author?.name ?? 'Someone'}</p>
                    <p className={styles.text}>{entry.text}</p>
                    <p className={styles.meta}>
                      <time dateTime={entry.occurredAt}>{clockTime(entry.occurredAt)}</time>
                    </p>
                  </article>
                </li>
              ) : (
                <li key={entry.id} className={styles.activity}>
                  {entry.text} · <time dateTime={entry.occurredAt}>{clockTime(entry.occurredAt)}</time>
                </li>
              );
            return separator ? [separator, item] : [item];
          })}
        </ol>
      </div>
      {canWrite ? (
        <Composer
          key={conversation.id}
          conversation={conversation}
          contact={props.contact}
          user={props.user}
          canned={props.canned}
          mode={props.composerMode}
          onMode={props.onComposerMode}
          focus={props.focusComposer}
          onSent={props.onSent}
          onLocalEntry={props.onLocalEntry}
          now={props.now}
        />
      ) : (
        <p className={styles.readOnly} role="note">
          Read only: your role can follow conversations but not write in them.
        </p>
      )}
    </section>
  );
}
