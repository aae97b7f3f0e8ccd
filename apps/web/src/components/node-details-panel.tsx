'use client';

import type { CanvasNodeData } from '@/lib/canvas-graph';
import styles from './node-details-panel.module.css';

interface NodeDetailsPanelProps {
  node: CanvasNodeData | null;
  onClose: () => void;
}

/** Side panel with everything stored on the selected node. */
export function NodeDetailsPanel({ node, onClose }: NodeDetailsPanelProps) {
  return (
    <aside className={styles.panel} aria-label="Node details">
      {node ? (
        <div className={styles.content}>
          <div className={styles.heading}>
            <div>
              <div className={styles.category}>{node.category}</div>
              <h2 className={styles.title}>{node.displayName}</h2>
              {node.label ? <p className={styles.label}>{node.label}</p> : null}
            </div>
            <button type="button" className={styles.close} onClick={onClose} aria-label="Close node details">
              ×
            </button>
          </div>
          {!node.known ? (
            <p className={`notice notice-warning ${styles.warning}`}>
              This engine does not know the node type <code>{node.type}</code>. It is shown as stored.
            </p>
          ) : !node.versionKnown ? (
            <p className={`notice notice-warning ${styles.warning}`}>Version {node.typeVersion} of this node type is not known to this engine.</p>
          ) : null}
          {node.description ? <p className={styles.description}>{node.description}</p> : null}
          <dl className={styles.facts}>
            <div>
              <dt>Type</dt>
              <dd>
                <code>{node.type}</code>
              </dd>
            </div>
            <div>
              <dt>Version</dt>
              <dd>v{node.typeVersion}</dd>
            </div>
          </dl>
          <h3 className={styles.sectionTitle}>Settings</h3>
          {node.config.length === 0 ? (
            <p className={styles.muted}>This node has no settings.</p>
          ) : (
            <dl className={styles.config}>
              {node.config.map((entry) => (
                <div key={entry.path} className={styles.entry}>
                  <dt>
                    <span>{entry.label}</span>
                    <code className={styles.path}>{entry.path}</code>
                  </dt>
                  <dd>{entry.value}</dd>
                </div>
              ))}
            </dl>
          )}
        </div>
      ) : (
        <div className={styles.placeholder}>
          <h2 className={styles.placeholderTitle}>Node details</h2>
          <p>Select a node on the canvas to see its type and settings.</p>
          <p className={styles.hint}>With the keyboard: Tab to a node, then press Enter.</p>
        </div>
      )}
    </aside>
  );
}
