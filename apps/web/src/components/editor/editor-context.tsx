'use client';

import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { EditorActions, EditorState, EditorStore } from '@/lib/editor/editor-store';
import type { NodeTypeInfo } from '@/lib/node-type-info';

/** Where "+" asks to add a step: after this output of this step. */
export interface InsertTarget {
  source: string;
  sourceOutput: string;
}

export interface EditorContextValue {
  store: EditorStore;
  nodeTypes: readonly NodeTypeInfo[];
  /** Steps can be changed now: the role allows it and the editor is not in test mode. */
  editable: boolean;
  /** The role may change, publish and test flows (admin, marketer), in any mode. */
  mayEdit: boolean;
  requestInsert(target: InsertTarget): void;
}

export const EditorContext = createContext<EditorContextValue | null>(null);

export function useEditorContext(): EditorContextValue {
  const value = useContext(EditorContext);
  if (!value) throw new Error('useEditorContext must be used inside the flow editor');
  return value;
}

/** Reads one slice of the open flow's store; the component re-renders only when that slice changes. */
export function useEditorState<T>(selector: (state: EditorState & EditorActions) => T): T {
  return useStore(useEditorContext().store, selector);
}
