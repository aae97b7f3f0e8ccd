/** The data paths a JSONLogic rule reads through `var` (string or [path, default] forms). */
export function logicVariables(rule: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [operator, args] of Object.entries(node)) {
      if (operator === 'var') {
        const path: unknown = Array.isArray(args) ? args[0] : args;
        if (typeof path === 'string' && path.length > 0) found.push(path);
        if (Array.isArray(args)) args.slice(1).forEach(visit);
      } else {
        visit(args);
      }
    }
  };
  visit(rule);
  return found;
}
