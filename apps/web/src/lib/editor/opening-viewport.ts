import type { XY } from './flow-edits';

/** Below this zoom a card's text is too small to read at a glance. */
export const READABLE_ZOOM = 0.75;
const PADDING = 32;

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/**
 * Where a newly laid-out flow opens: the whole flow when it fits at a
 * readable zoom (at most 1); otherwise readable, centred across, from its
 * first steps down (the trigger at the top, where a reader starts).
 */
export function openingViewport(
  steps: ReadonlyArray<{ position: XY; size: { width: number; height: number } }>,
  canvas: { width: number; height: number },
): Viewport | null {
  if (steps.length === 0 || canvas.width <= 0 || canvas.height <= 0) return null;
  const left = Math.min(...steps.map((s) => s.position.x));
  const top = Math.min(...steps.map((s) => s.position.y));
  const right = Math.max(...steps.map((s) => s.position.x + s.size.width));
  const bottom = Math.max(...steps.map((s) => s.position.y + s.size.height));
  const width = right - left;
  const height = bottom - top;
  const fit = Math.min((canvas.width - 2 * PADDING) / width, (canvas.height - 2 * PADDING) / height);
  const zoom = Math.min(1, Math.max(READABLE_ZOOM, fit));
  const x = (canvas.width - width * zoom) / 2 - left * zoom;
  const y = fit >= READABLE_ZOOM ? (canvas.height - height * zoom) / 2 - top * zoom : PADDING - top * zoom;
  return { x: Math.round(x), y: Math.round(y), zoom };
}
