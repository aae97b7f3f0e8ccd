/** Data type of a step dragged from the palette: the node type and version, as "type@version". */
export const PALETTE_MIME = 'application/x-parley-node-type';

export function paletteDragValue(type: string, version: number): string {
  return `${type}@${version}`;
}

export function parsePaletteDrag(value: string): { type: string; version: number } | null {
  const at = value.lastIndexOf('@');
  if (at <= 0) return null;
  const version = Number(value.slice(at + 1));
  return Number.isInteger(version) ? { type: value.slice(0, at), version } : null;
}
