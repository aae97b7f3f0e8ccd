'use client';

import { useReactFlow } from '@xyflow/react';
import { useCallback } from 'react';
import { useEditorContext } from './editor-context';

/** Selects a step, brings it to the middle of the view and focuses it, so keyboard users land on it too. */
export function useGoToStep(): (nodeId: string) => void {
  const { store } = useEditorContext();
  const { setCenter, getInternalNode } = useReactFlow();
  return useCallback(
    (nodeId: string) => {
      const node = store.getState().document.nodes.find((n) => n.id === nodeId);
      if (!node) return;
      store.getState().select({ nodeIds: [nodeId], edgeIds: [], noteIds: [] });
      const internal = getInternalNode(nodeId);
      const width = internal?.measured.width ?? 248;
      const height = internal?.measured.height ?? 110;
      void setCenter(node.position.x + width / 2, node.position.y + height / 2, { zoom: 1, duration: 250 });
      requestAnimationFrame(() => {
        const element = globalThis.document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(nodeId)}"]`);
        element?.focus();
      });
    },
    [store, setCenter, getInternalNode],
  );
}
