'use client';

import { useContext } from 'react';
import { EditorContext, type InsertTarget } from './editor-context';

/** The editor's "+" action, or null where cards are shown outside an editor (execution replay). */
export function useOptionalInsert(): ((target: InsertTarget) => void) | null {
  const context = useContext(EditorContext);
  return context && context.editable ? context.requestInsert : null;
}
