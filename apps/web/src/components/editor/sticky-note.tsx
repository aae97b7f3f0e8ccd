'use client';

import type { NodeProps } from '@xyflow/react';
import { memo, useContext } from 'react';
import { updateNote } from '@/lib/editor/flow-edits';
import type { NoteFlowNode } from '@/lib/editor/editor-node-data';
import { EditorContext } from './editor-context';
import styles from './sticky-note.module.css';

function StickyNoteView({ data, selected }: NodeProps<NoteFlowNode>) {
  const context = useContext(EditorContext);
  return (
    <div className={`${styles.note} ${selected ? styles.selected : ''}`}>
      <div className={styles.grip} aria-hidden="true">
        Note
      </div>
      {data.editable && context ? (
        <textarea
          className={`nodrag nowheel ${styles.text}`}
          aria-label="Sticky note text"
          value={data.text}
          placeholder="Write a note for your team…"
          onChange={(event) => {
            const text = event.target.value;
            context.store.getState().edit((document) => updateNote(document, data.noteId, text), { key: `note:${data.noteId}` });
          }}
        />
      ) : (
        <p className={styles.text}>{data.text}</p>
      )}
    </div>
  );
}

/** A sticky note: text for people, ignored by the engine. */
export const StickyNote = memo(StickyNoteView);
