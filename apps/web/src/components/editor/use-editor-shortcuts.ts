'use client';

import { useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import type { EditorStore } from '@/lib/editor/editor-store';
import { CLIPBOARD_STORAGE_KEY, parseFragment, serializeFragment } from '@/lib/editor/flow-clipboard';
import { extractFragment, isSelectionEmpty, pasteFragment, removeElements } from '@/lib/editor/flow-edits';

const PASTE_OFFSET = { x: 40, y: 40 };

/** True when the key press belongs to a field being typed in, not to the canvas. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
  return target.closest('dialog[open]') !== null;
}

export function copySelection(store: EditorStore): boolean {
  const state = store.getState();
  if (isSelectionEmpty(state.selection)) return false;
  const fragment = extractFragment(state.document, state.selection);
  if (fragment.nodes.length === 0 && fragment.notes.length === 0) return false;
  const text = serializeFragment(fragment);
  try {
    localStorage.setItem(CLIPBOARD_STORAGE_KEY, text);
  } catch {
    // Storage full or disabled: the system clipboard below is enough.
  }
  void navigator.clipboard?.writeText(text).catch(() => undefined);
  const count = fragment.nodes.length + fragment.notes.length;
  state.setNotice(count === 1 ? 'Copied 1 element.' : `Copied ${count} elements.`);
  return true;
}

async function readClipboard(): Promise<string | null> {
  try {
    const text = await navigator.clipboard.readText();
    if (parseFragment(text)) return text;
  } catch {
    // Reading the clipboard needs the browser's permission; fall back to this browser's last copy.
  }
  try {
    return localStorage.getItem(CLIPBOARD_STORAGE_KEY);
  } catch {
    return null;
  }
}

export async function pasteClipboard(store: EditorStore): Promise<void> {
  const text = await readClipboard();
  const fragment = text ? parseFragment(text) : null;
  const state = store.getState();
  if (!fragment) {
    state.setNotice('Nothing to paste: copy steps first (Ctrl+C).');
    return;
  }
  let selection = state.selection;
  state.edit((document) => {
    const result = pasteFragment(document, fragment, PASTE_OFFSET);
    selection = result.selection;
    return result.document;
  });
  state.select(selection);
  state.setNotice(null);
}

export function duplicateSelection(store: EditorStore): void {
  const state = store.getState();
  const fragment = extractFragment(state.document, state.selection);
  if (fragment.nodes.length === 0 && fragment.notes.length === 0) return;
  let selection = state.selection;
  state.edit((document) => {
    const result = pasteFragment(document, fragment, PASTE_OFFSET);
    selection = result.selection;
    return result.document;
  });
  state.select(selection);
}

export function deleteSelection(store: EditorStore): void {
  const state = store.getState();
  if (isSelectionEmpty(state.selection)) return;
  state.edit((document) => removeElements(document, state.selection));
}

/**
 * Canvas shortcuts: undo/redo, copy/cut/paste, duplicate, delete, select all,
 * Escape. Ignored while typing in a field, where the same keys edit text.
 */
export function useEditorShortcuts(store: EditorStore, editable: boolean): void {
  const { fitView } = useReactFlow();
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isTypingTarget(event.target)) return;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      const state = store.getState();
      if (mod && key === 'c') {
        if (copySelection(store)) event.preventDefault();
        return;
      }
      if (mod && key === 'a') {
        event.preventDefault();
        state.select({ nodeIds: state.document.nodes.map((n) => n.id), edgeIds: [], noteIds: state.document.notes.map((n) => n.id) });
        return;
      }
      if (key === 'escape') {
        state.select({ nodeIds: [], edgeIds: [], noteIds: [] });
        return;
      }
      if (!mod && key === 'f' && !event.altKey) {
        void fitView({ padding: 0.2, duration: 200 });
        return;
      }
      if (!editable) return;
      if (mod && key === 'z' && !event.shiftKey) {
        event.preventDefault();
        state.undo();
      } else if (mod && (key === 'y' || (key === 'z' && event.shiftKey))) {
        event.preventDefault();
        state.redo();
      } else if (mod && key === 'x') {
        if (copySelection(store)) {
          event.preventDefault();
          deleteSelection(store);
        }
      } else if (mod && key === 'v') {
        event.preventDefault();
        void pasteClipboard(store);
      } else if (mod && key === 'd') {
        event.preventDefault();
        duplicateSelection(store);
      } else if (!mod && (key === 'delete' || key === 'backspace')) {
        event.preventDefault();
        deleteSelection(store);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [store, editable, fitView]);
}
