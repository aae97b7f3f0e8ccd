'use client';

import { useCallback, useEffect, useRef } from 'react';
import type { EditorStore } from '@/lib/editor/editor-store';
import { saveDraft, saveDraftOnLeave } from '@/lib/editor/flow-api';

/** Quiet time after the last edit before the draft is saved. */
export const AUTOSAVE_DELAY_MS = 800;

/**
 * Saves the draft a moment after each edit, one save at a time, with the
 * revision token from the last save: a save that finds the flow changed
 * elsewhere stops autosaving and asks (conflict), never overwrites. Leaving
 * or hiding the page sends what is left at once. Returns `flush`, which saves
 * now and resolves when the server has the current document.
 */
export function useAutosave(store: EditorStore, enabled: boolean): () => Promise<boolean> {
  const running = useRef<Promise<boolean> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const saveNow = useCallback(async (): Promise<boolean> => {
    if (timer.current) {
      clearTimeout(timer.current);
      timer.current = null;
    }
    while (running.current) await running.current;
    const state = store.getState();
    if (state.saveStatus === 'conflict') return false;
    if (state.document === state.savedDocument) return true;
    const document = state.document;
    state.setSaveState('saving');
    const attempt = (async () => {
      const result = await saveDraft(state.flowId, state.revision, document);
      const after = store.getState();
      if (result.kind === 'saved') {
        after.markSaved(document, result.revision);
        return store.getState().document === document;
      }
      after.setSaveState(result.kind === 'conflict' ? 'conflict' : 'error', result.message);
      return false;
    })();
    running.current = attempt;
    try {
      return await attempt;
    } finally {
      running.current = null;
    }
  }, [store]);

  const flush = useCallback(async (): Promise<boolean> => {
    // A save that ran while more edits came in leaves the newest ones unsaved: go again until current.
    for (let round = 0; round < 5; round += 1) {
      const state = store.getState();
      if (state.document === state.savedDocument && !running.current) return true;
      const ok = await saveNow();
      if (!ok && store.getState().saveStatus !== 'unsaved') return false;
    }
    return store.getState().document === store.getState().savedDocument;
  }, [saveNow, store]);

  useEffect(() => {
    if (!enabled) return undefined;
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.document === previous.document || state.document === state.savedDocument) return;
      if (state.saveStatus === 'conflict') return;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        timer.current = null;
        void saveNow();
      }, AUTOSAVE_DELAY_MS);
    });
    const leave = () => {
      const state = store.getState();
      if (state.document === state.savedDocument || state.saveStatus === 'conflict' || running.current) return;
      saveDraftOnLeave(state.flowId, state.revision, state.document);
    };
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') leave();
    };
    window.addEventListener('pagehide', leave);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      unsubscribe();
      window.removeEventListener('pagehide', leave);
      document.removeEventListener('visibilitychange', onVisibility);
      if (timer.current) clearTimeout(timer.current);
      // Leaving the editor inside the app (a link): send what is left.
      leave();
    };
  }, [enabled, saveNow, store]);

  return flush;
}
