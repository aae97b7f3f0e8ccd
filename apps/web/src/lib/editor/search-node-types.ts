import { NODE_CATEGORIES } from '@parley/flow-core';
import type { NodeTypeInfo } from '../node-type-info';

export interface PaletteGroup {
  category: string;
  types: NodeTypeInfo[];
}

function normalize(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

/**
 * The latest version of each node type matching `query` by name, synonyms
 * (in any language) or category, grouped by palette category in canvas order.
 */
export function searchNodeTypes(nodeTypes: readonly NodeTypeInfo[], query: string): PaletteGroup[] {
  const words = normalize(query).split(/\s+/).filter(Boolean);
  const matches = nodeTypes.filter((info) => {
    if (!info.latest) return false;
    if (words.length === 0) return true;
    const haystack = normalize([info.displayName, info.category, info.type, ...info.synonyms].join(' '));
    return words.every((word) => haystack.includes(word));
  });
  const order: readonly string[] = NODE_CATEGORIES;
  const categories = [...new Set(matches.map((info) => info.category))].sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia === -1 ? order.length : ia) - (ib === -1 ? order.length : ib);
  });
  return categories.map((category) => ({
    category,
    types: matches.filter((info) => info.category === category).sort((a, b) => a.displayName.localeCompare(b.displayName)),
  }));
}
