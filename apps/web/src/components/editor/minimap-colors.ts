import type { NodeAccent } from '@/lib/canvas-graph';

/** A step's colour on the minimap: its family's accent, as on the card's top edge. */
export const MINIMAP_COLORS: Readonly<Record<NodeAccent, string>> = {
  trigger: '#f59e0b',
  condition: '#3b82f6',
  action: '#22c55e',
  timing: '#8b5cf6',
  control: '#64748b',
  unknown: '#94a3b8',
};
