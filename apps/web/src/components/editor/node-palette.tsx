'use client';

import { useReactFlow } from '@xyflow/react';
import { useId, useMemo, useState } from 'react';
import { placeStep } from '@/lib/editor/place-step';
import { searchNodeTypes } from '@/lib/editor/search-node-types';
import type { NodeTypeInfo } from '@/lib/node-type-info';
import { useEditorContext } from './editor-context';
import { PALETTE_MIME, paletteDragValue } from './palette-drag';
import styles from './node-palette.module.css';

/** The steps a flow can use: search, categories, drag onto the canvas (or Enter to add in the middle). */
export function NodePalette() {
  const { store, nodeTypes } = useEditorContext();
  const { screenToFlowPosition } = useReactFlow();
  const [query, setQuery] = useState('');
  const searchId = useId();
  const groups = useMemo(() => searchNodeTypes(nodeTypes, query), [nodeTypes, query]);

  const addInView = (info: NodeTypeInfo) => {
    const canvas = document.querySelector('[aria-label="Flow canvas"]');
    const box = canvas?.getBoundingClientRect();
    const centre = box ? { x: box.left + box.width / 2, y: box.top + box.height / 2 } : { x: 400, y: 300 };
    const point = screenToFlowPosition(centre);
    // Shifted a little per step so several added in a row do not hide one another.
    const offset = (store.getState().document.nodes.length % 5) * 24;
    placeStep(store, info, { x: Math.round(point.x - 124 + offset), y: Math.round(point.y - 40 + offset) });
  };

  return (
    <aside className={styles.palette} aria-label="Steps">
      <label htmlFor={searchId} className={styles.searchLabel}>
        Search steps
      </label>
      <input
        id={searchId}
        type="search"
        className={styles.search}
        placeholder="e.g. wait, coupon, sconto"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      <p className={styles.hint}>Drag a step onto the canvas, or press Enter on it.</p>
      {groups.length === 0 ? <p className={styles.empty}>No step matches “{query}”.</p> : null}
      {groups.map((group) => (
        <section key={group.category} className={styles.group} aria-label={group.category}>
          <h3 className={styles.category}>{group.category}</h3>
          <ul className={styles.list}>
            {group.types.map((info) => (
              <li key={`${info.type}@${info.version}`}>
                <button
                  type="button"
                  className={styles.item}
                  data-kind={info.kind}
                  draggable
                  title={info.description}
                  onDragStart={(event) => {
                    event.dataTransfer.setData(PALETTE_MIME, paletteDragValue(info.type, info.version));
                    event.dataTransfer.effectAllowed = 'copy';
                  }}
                  onClick={() => addInView(info)}
                >
                  <span className={styles.name}>{info.displayName}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </aside>
  );
}
