/** Renders a zod issue path as "nodes[2].config.text". */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') {
      out += `[${part}]`;
    } else {
      const name = String(part);
      out += out === '' ? name : `.${name}`;
    }
  }
  return out;
}
