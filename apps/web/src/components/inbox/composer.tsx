'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { z } from 'zod';
import { loadWhatsAppTemplates, renderTemplatePreview, type WhatsAppTemplate } from '@/lib/editor/whatsapp-templates';
import {
  type CannedReply,
  type Conversation,
  type ConversationDetail,
  post,
  type Reply,
  sendReply,
  type TimelineEntry,
  uploadSchema,
} from '@/lib/inbox/inbox-api';
import { momentPhrase, untilLabel } from '@/lib/inbox/inbox-time';
import { renderCannedReply } from '@/lib/inbox/render-canned-reply';
import type { SessionUser } from '@/lib/session-user';
import styles from './inbox.module.css';

interface ComposerProps {
  conversation: Conversation;
  contact: ConversationDetail['contact'] | null;
  user: SessionUser;
  canned: CannedReply[];
  mode: 'reply' | 'note';
  onMode(mode: 'reply' | 'note'): void;
  focus: number;
  onSent(): void;
  onLocalEntry(entry: TimelineEntry): void;
  now: Date;
}

const noteAnswer = z.object({ id: z.string() });

function newKey(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * Reply or private note. While the 24 h window is open the agent writes
 * freely (canned replies, attachments); once it has closed, only approved
 * templates are offered, with their parameters and a preview, and the
 * composer says why: a free-text send is never attempted.
 */
export function Composer(props: ComposerProps) {
  const { conversation, mode } = props;
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [templates, setTemplates] = useState<WhatsAppTemplate[] | null>(null);
  const [templateError, setTemplateError] = useState<string | null>(null);
  const [templateId, setTemplateId] = useState('');
  const [parameters, setParameters] = useState<string[]>([]);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const file = useRef<HTMLInputElement>(null);
  const ids = useId();
  const windowOpen = conversation.window.open;
  const templateMode = mode === 'reply' && !windowOpen;

  useEffect(() => {
    if (props.focus > 0) textarea.current?.focus();
  }, [props.focus]);

  useEffect(() => {
    if (!templateMode || templates !== null) return;
    void loadWhatsAppTemplates().then((answer) => {
      if (answer.ok) setTemplates(answer.templates.filter((t) => t.status.toUpperCase() === 'APPROVED'));
      else setTemplateError(answer.message);
    });
  }, [templateMode, templates]);

  const template = templates?.find((t) => t.id === templateId) ?? null;
  const cannedValues = {
    contact: {
      first_name: props.contact?.firstName ?? null,
      last_name: props.contact?.lastName ?? null,
      name: props.contact?.displayName ?? conversation.contact.name,
    },
    agent: { name: props.user.email.split('@')[0] ?? null },
  };

  const send = async (reply: Reply) => {
    setSending(true);
    setProblem(null);
    const answer = await sendReply(conversation.id, reply, newKey());
    setSending(false);
    if (!answer.ok) {
      // Refused before anything left: shown where the agent is looking, with the rule that refused it.
      setProblem(answer.message);
      return false;
    }
    if (answer.data.result.status !== 'accepted') {
      setProblem(`WhatsApp did not take the message (${answer.data.result.status}).`);
      return false;
    }
    props.onSent();
    return true;
  };

  const submit = async () => {
    // The box empties at once (the agent may start the next message while this one travels) and gets the words back if they did not go.
    const written = text;
    if (mode === 'note') {
      if (!written.trim()) return;
      setSending(true);
      setText('');
      const answer = await post(`/api/conversations/${conversation.id}/notes`, noteAnswer, { text: written });
      setSending(false);
      if (!answer.ok) {
        setProblem(answer.message);
        setText((current) => current || written);
      }
      return;
    }
    if (templateMode) {
      if (!template) return;
      if (await send({ type: 'template', template: { name: template.name, language: template.language, parameters } })) {
        setTemplateId('');
        setParameters([]);
      }
      return;
    }
    if (!written.trim()) return;
    setText('');
    if (!(await send({ type: 'text', text: written }))) setText((current) => current || written);
  };

  const attach = async (chosen: File) => {
    setSending(true);
    setProblem(null);
    const kind = chosen.type.startsWith('image/')
      ? 'image'
      : chosen.type.startsWith('video/')
        ? 'video'
        : chosen.type.startsWith('audio/')
          ? 'audio'
          : 'document';
    let response: Response;
    try {
      response = await fetch(`/api/conversations/${conversation.id}/media?kind=${kind}&filename=${encodeURIComponent(chosen.name)}`, {
        method: 'POST',
        headers: { 'content-type': chosen.type || 'application/octet-stream' },
        body: chosen,
        credentials: 'same-origin',
      });
    } catch {
      setSending(false);
      setProblem('The file could not be uploaded. Check your connection.');
      return;
    }
    const body: unknown = await response.json().catch(() => null);
    const uploaded = uploadSchema.safeParse(body);
    if (!response.ok || !uploaded.success) {
      setSending(false);
      const message = z.object({ message: z.string() }).safeParse(body);
      setProblem(message.success ? message.data.message : `The upload failed (${response.status}).`);
      return;
    }
    const caption = text.trim();
    const reply: Reply = { type: kind, mediaId: uploaded.data.id, ...(caption && kind !== 'audio' ? { caption } : {}) };
    if (await send(reply)) setText('');
  };

  const bodyCount = template?.parameters.body ?? 0;
  const preview = template ? renderTemplatePreview(template, parameters) : null;

  return (
    <form
      className={`${styles.composer} ${mode === 'note' ? styles.composerNote : ''}`}
      aria-label="Composer"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div role="radiogroup" aria-label="Write a" className={styles.modeSwitch}>
        {(['reply', 'note'] as const).map((value) => (
          <label key={value} className={styles.modeOption}>
            <input type="radio" name={`${ids}-mode`} checked={mode === value} onChange={() => props.onMode(value)} />
            {value === 'reply' ? 'Reply' : 'Private note'}
          </label>
        ))}
        {mode === 'reply' && windowOpen ? (
          <span className={styles.windowHint}>Window open until {untilLabel(conversation.window.until, props.now)}</span>
        ) : null}
      </div>

      {templateMode ? (
        <div className={styles.templatePicker}>
          <p className={styles.windowClosed} role="note">
            {!conversation.window.open && conversation.window.closedAt
              ? `The 24-hour window closed ${momentPhrase(conversation.window.closedAt, props.now)}.`
              : 'This customer has never written to you.'}{' '}
            WhatsApp only delivers approved templates until the customer writes again.
          </p>
          {templateError ? <p role="alert">{templateError}</p> : null}
          <label htmlFor={`${ids}-template`}>Template</label>
          <select
            id={`${ids}-template`}
            className={styles.select}
            value={templateId}
            onChange={(event) => {
              setTemplateId(event.target.value);
              const chosen = templates?.find((t) => t.id === event.target.value);
              setParameters(Array.from({ length: chosen?.parameters.body ?? 0 }, () => ''));
            }}
          >
            <option value="">
              {templates === null ? 'Loading templates…' : templates.length === 0 ? 'No approved templates' : 'Choose a template'}
            </option>
            {(templates ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({t.language}, {t.category.toLowerCase()})
              </option>
            ))}
          </select>
          {Array.from({ length: bodyCount }, (_, index) => (
            <div key={index} className={styles.parameter}>
              <label htmlFor={`${ids}-p${index}`}>Parameter {index + 1}</label>
              <input
                id={`${ids}-p${index}`}
                value={parameters[index] ?? ''}
                onChange={(event) => setParameters((list) => list.map((v, i) => (i === index ? event.target.value : v)))}
              />
            </div>
          ))}
          {preview ? (
            <figure className={styles.preview} aria-label="Template preview">
              {preview.header ? <p className={styles.header}>{preview.header}</p> : null}
              <p className={styles.text}>{preview.body}</p>
              {preview.footer ? <p className={styles.footer}>{preview.footer}</p> : null}
            </figure>
          ) : null}
        </div>
      ) : (
        <>
          <label className="visually-hidden" htmlFor={`${ids}-text`}>
            {mode === 'reply' ? 'Reply' : 'Private note'}
          </label>
          <textarea
            id={`${ids}-text`}
            ref={textarea}
            className={styles.textarea}
            value={text}
            rows={3}
            placeholder={mode === 'reply' ? 'Write a reply… (Enter to send, Shift+Enter for a new line)' : 'A note only your team sees'}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
                event.preventDefault();
                void submit();
              }
            }}
          />
        </>
      )}

      {problem ? (
        <p role="alert" className={styles.sendProblem}>
          Not sent: {problem}
        </p>
      ) : null}

      <div className={styles.composerActions}>
        {mode === 'reply' && windowOpen ? (
          <>
            <label className="visually-hidden" htmlFor={`${ids}-canned`}>
              Canned reply
            </label>
            <select
              id={`${ids}-canned`}
              className={styles.select}
              value=""
              onChange={(event) => {
                const chosen = props.canned.find((c) => c.id === event.target.value);
                if (chosen) setText((current) => `${current}${current ? ' ' : ''}${renderCannedReply(chosen.text, cannedValues)}`);
                textarea.current?.focus();
              }}
            >
              <option value="">{props.canned.length === 0 ? 'No canned replies' : 'Canned reply…'}</option>
              {props.canned.map((c) => (
                <option key={c.id} value={c.id}>
                  /{c.shortcut}
                </option>
              ))}
            </select>
            <input
              ref={file}
              type="file"
              className="visually-hidden"
              aria-label="Attach a file"
              accept="image/jpeg,image/png,image/webp,application/pdf,video/mp4,audio/mpeg,audio/ogg"
              onChange={(event) => {
                const chosen = event.target.files?.[0];
                if (chosen) void attach(chosen);
                event.target.value = '';
              }}
            />
            <button type="button" className="button button-secondary button-small" onClick={() => file.current?.click()} disabled={sending}>
              Attach
            </button>
          </>
        ) : null}
        <span className={styles.spacer} />
        <button type="submit" className="button button-primary" disabled={sending || (templateMode ? !template : !text.trim())}>
          {mode === 'note' ? 'Add note' : templateMode ? 'Send template' : 'Send'}
        </button>
      </div>
      <p className="visually-hidden" aria-live="polite">
        {sending ? 'Sending' : ''}
      </p>
    </form>
  );
}
