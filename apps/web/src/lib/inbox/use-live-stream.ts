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
 * missed) and every reconnect also reach `onEvent`, so the page can reload
 * what it shows.
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
      // After a reconnect the replayed events came first; a reload of the views settles anything else (tab counts).
      if (wasLive) handler.current({ type: 'reconnected', data: null });
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
