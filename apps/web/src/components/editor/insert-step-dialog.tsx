'use client';

import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { insertStep } from '@/lib/editor/place-step';
import { searchNodeTypes } from '@/lib/editor/search-node-types';
import { type InsertTarget, useEditorContext } from './editor-context';
import styles from './dialog.module.css';

interface InsertStepDialogProps {
  target: InsertTarget | null;
  onClose(): void;
}

/** The "+" picker: which step comes after this output. */
export function InsertStepDialog({ target, onClose }: InsertStepDialogProps) {
  const { store, nodeTypes } = useEditorContext();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [query, setQuery] = useState('');
  const titleId = useId();
  const steps = useMemo(() => nodeTypes.filter((info) => info.kind !== 'trigger'), [nodeTypes]);
  const groups = useMemo(() => searchNodeTypes(steps, query), [steps, query]);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (target && !dialog.open) {
      setQuery('');
      dialog.showModal();
    } else if (!target && dialog.open) {
      dialog.close();
    }
  }, [target]);

  return (
    <dialog ref={dialogRef} className={styles.dialog} aria-labelledby={titleId} onClose={onClose}>
      <h2 id={titleId}>Add a step</h2>
      <label className={styles.field}>
        <span>Search steps</span>
        <input type="search" value={query} onChange={(event) => setQuery(event.target.value)} autoFocus />
      </label>
      <div className={styles.scroll}>
        {groups.map((group) => (
          <section key={group.category} aria-label={group.category}>
            <h3 className={styles.groupTitle}>{group.category}</h3>
            <ul className={styles.options}>
              {group.types.map((info) => (
                <li key={info.type}>
                  <button
                    type="button"
                    className={styles.option}
                    onClick={() => {
                      if (target) insertStep(store, info, target);
                      onClose();
                    }}
                  >
                    <strong>{info.displayName}</strong>
                    <span>{info.description}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
      <div className={styles.actions}>
        <button type="button" className="button button-secondary" onClick={onClose}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
