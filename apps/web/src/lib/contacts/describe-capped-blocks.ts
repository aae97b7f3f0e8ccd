/** A same-SKU block the duplicate scan did not compare in full (the engine's CappedBlock). */
export interface CappedBlockView {
  sku: string;
  key: string;
  purchases: number;
  truncated: boolean;
}

/**
 * Says that a scan was bounded, so a person knows pairs may be missing there: "2 groups were too large to compare in
 * full: SKU-0 (h:mab), SKU-0 (t:ssi). …". Null when nothing was capped.
 */
export function describeCappedBlocks(cappedBlocks: number, examples: CappedBlockView[]): string | null {
  if (cappedBlocks <= 0) return null;
  const named = examples.map(
    (block) => `${block.sku} (${block.key}${block.truncated ? `, first ${block.purchases.toLocaleString('en-US')} purchases read` : ''})`,
  );
  const more = cappedBlocks > examples.length ? ` and ${(cappedBlocks - examples.length).toLocaleString('en-US')} more` : '';
  const groups = cappedBlocks === 1 ? '1 group was' : `${cappedBlocks.toLocaleString('en-US')} groups were`;
  return (
    `${groups} too large to compare in full: ${named.join(', ')}${more}. ` +
    'Customers with similar names who bought the same product there may have duplicate pairs the scan did not list.'
  );
}
