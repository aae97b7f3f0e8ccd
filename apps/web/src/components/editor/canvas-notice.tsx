'use client';

import { useEffect } from 'react';
import { useEditorContext, useEditorState } from './editor-context';
import styles from './editor-canvas.module.css';

const VISIBLE_MS = 8000;

/** Why the last action was refused, over the canvas, announced to screen readers. */
export function CanvasNotice() {
  const { store } = useEditorContext();
  const notice = useEditorState((s) => s.notice);
  useEffect(() => {
    if (!notice) return undefined;
    const timer = setTimeout(() => store.getState().setNotice(null), VISIBLE_MS);
    return () => clearTimeout(timer);
  }, [notice, store]);
  return (
    <div className={styles.noticeArea} role="status" aria-live="polite">
      {notice ? <p className={styles.notice}>{notice}</p> : null}
    </div>
  );
}
