import { describeCappedBlocks } from './describe-capped-blocks';

describe('describeCappedBlocks', () => {
  it('says nothing when the scan compared every block in full', () => {
    expect(describeCappedBlocks(0, [])).toBeNull();
  });

  it('names the capped blocks by SKU and name key, and says pairs may be missed', () => {
    const text = describeCappedBlocks(2, [
      { sku: 'SKU-0', key: 'h:mab', purchases: 260, truncated: false },
      { sku: 'SKU-0', key: 't:ssi', purchases: 20_000, truncated: true },
    ]);
    expect(text).toBe(
      '2 groups were too large to compare in full: SKU-0 (h:mab), SKU-0 (t:ssi, first 20,000 purchases read). ' +
        'Customers with similar names who bought the same product there may have duplicate pairs the scan did not list.',
    );
  });

  it('counts the blocks past the examples the job kept', () => {
    const text = describeCappedBlocks(23, [{ sku: 'HOT-1', key: 'h:mab', purchases: 260, truncated: false }]);
    expect(text).toMatch(/^23 groups were too large to compare in full: HOT-1 \(h:mab\) and 22 more\./);
    expect(describeCappedBlocks(1, [{ sku: 'HOT-1', key: 'h:mab', purchases: 260, truncated: false }])).toMatch(/^1 group was /);
  });
});
