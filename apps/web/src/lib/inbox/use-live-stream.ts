'use client';

import { useEffect, useRef, useState } from 'react';

export interface LiveEvent {
  type: string;
  data: unknown;
}

const TYPES = [
  'message.created',
  'message.updated',
  'conversation.updated',
  'conversation.status_changed',
  'conversation.assigned',
  'conversation.read',
  'note.created',
  'pause.changed',
  'notification.created',
  'reset',
] as const;

/**
 * Follows `GET /api/stream`. EventSource reconnects by itself and sends
 * Last-Event-ID, so the engine replays what was missed; a `reset` (too much
 * missed), the first connection (`connected`) and every reconnect
 * (`reconnected`) also reach `onEvent`, so the page can reload what it shows.
 */
export function useLiveStream(onEvent: (event: LiveEvent) => void): 'connecting' | 'live' | 'reconnecting' {
  const handler = useRef(onEvent);
  const [state, setState] = useState<'connecting' | 'live' | 'reconnecting'>('connecting');
  useEffect(() => {
    handler.current = onEvent;
  }, [onEvent]);
  useEffect(() => {
    const source = new EventSource('/api/stream');
    let wasLive = false;
    const listeners = TYPES.map((type) => {
      const listener = (message: MessageEvent) => {
        let data: unknown = null;
        try {
          data = JSON.parse(String(message.data));
        } catch {
          data = null;
        }
        handler.current({ type, data });
      };
      source.addEventListener(type, listener);
      return [type, listener] as const;
    });
    const ready = () => {
      setState('live');
      // The views were loaded before the stream started (and, after a reconnect, the replayed events came first):
      // what changed in between reaches no event, so one reload of the views settles it (a message that arrived
      // while the page was opening, tab counts).
      handler.current({ type: wasLive ? 'reconnected' : 'connected', data: null });
      wasLive = true;
    };
    source.addEventListener('ready', ready);
    source.onerror = () => setState('reconnecting');
    return () => {
      for (const [type, listener] of listeners) source.removeEventListener(type, listener);
      source.removeEventListener('ready', ready);
      source.close();
    };
  }, []);
  return state;
}
