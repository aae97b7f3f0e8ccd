'use client';

import { useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import { autoLayout } from '@/lib/editor/auto-layout';
import type { EditorState, EditorStore } from '@/lib/editor/editor-store';
import { LAYOUT_ON_OPEN } from '@/lib/editor/layout-on-open';
import { openingViewport } from '@/lib/editor/opening-viewport';

function allMeasured(state: EditorState): boolean {
  return state.document.nodes.length > 0 && state.document.nodes.every((node) => state.measured[node.id] !== undefined);
}

/**
 * A flow made from a template opens laid out with the editor's own
 * auto-layout, on the sizes its cards really have (a condition's sentence or
 * a long message makes a card taller than any fixed grid allows for). Runs
 * once, when every step has been measured; the result is saved like an edit,
 * and the parameter leaves the address so a reload keeps the saved layout.
 * The view opens readable, from the trigger down.
 */
export function useOpeningLayout(store: EditorStore, enabled: boolean): void {
  const { setViewport } = useReactFlow();
  useEffect(() => {
    if (!enabled) return undefined;
    let started = false;
    let cancelled = false;
    const run = async (state: EditorState) => {
      if (started || !allMeasured(state)) return;
      started = true;
      unsubscribe();
      const positions = await autoLayout(state.document, state.measured);
      if (cancelled) return;
      store.getState().applyOpeningLayout(positions);
      const url = new URL(window.location.href);
      url.searchParams.delete(LAYOUT_ON_OPEN);
      window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
      requestAnimationFrame(() => {
        const canvas = document.querySelector('[aria-label="Flow canvas"]')?.getBoundingClientRect();
        const laidOut = store.getState();
        const view = openingViewport(
          laidOut.document.nodes.map((node) => ({
            position: node.position,
            size: laidOut.measured[node.id] ?? { width: 248, height: 120 },
          })),
          { width: canvas?.width ?? 0, height: canvas?.height ?? 0 },
        );
        if (view) void setViewport(view);
      });
    };
    const unsubscribe = store.subscribe((state) => void run(state));
    void run(store.getState());
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [store, enabled, setViewport]);
}
