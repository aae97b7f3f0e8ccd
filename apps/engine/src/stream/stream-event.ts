/** The kinds of event `GET /api/stream` sends. */
export const STREAM_EVENT_TYPES = [
  'message.created',
  'message.updated',
  'conversation.updated',
  'conversation.status_changed',
  'conversation.assigned',
  'conversation.read',
  'note.created',
  'pause.changed',
  'notification.created',
] as const;
export type StreamEventType = (typeof STREAM_EVENT_TYPES)[number];

/** One event for a workspace's live views; `userId` limits it to one user (their read markers, their notifications). */
export interface NewStreamEvent {
  workspaceId: string;
  userId?: string | null;
  type: StreamEventType;
  payload: Record<string, unknown>;
}

/** A sequenced event as the hub hands it out. */
export interface StreamEvent {
  seq: number;
  workspaceId: string;
  userId: string | null;
  type: string;
  /** The event as Server-Sent Events text, made once per process and written as is to every connection. */
  frame: string;
}

/** The SSE text of one event: its number as the id, its type as the event name, its payload as one line of JSON. */
export function sseFrame(seq: number, type: string, payload: unknown): string {
  return `id: ${seq}\nevent: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** PostgreSQL channels: writers announce new rows; the sequencer announces numbered ones. */
export const STREAM_NEW_CHANNEL = 'parley_stream_new';
export const STREAM_SEQUENCED_CHANNEL = 'parley_stream_seq';
