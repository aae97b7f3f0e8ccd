/** Accent of a step card; follows the node kind so triggers and actions read apart at a glance. */
export type NodeAccent = 'trigger' | 'condition' | 'action' | 'timing' | 'control' | 'unknown';
