/** The two ways the engine dispatches work; the product-flow suites run against both. */
function dispatchModes(): [string, Record<string, string>][] {
  const modes: [string, Record<string, string>][] = [['in-process dispatch', {}]];
  const redisUrl = process.env['REDIS_URL'];
  if (redisUrl) modes.push(['BullMQ dispatch', { REDIS_URL: redisUrl, REDIS_PREFIX: `pf${Math.random().toString(36).slice(2, 8)}` }]);
  return modes;
}

export const DISPATCH_MODES = dispatchModes();

/** Without Redis, reports the BullMQ run of a suite as skipped, by name. */
export function reportSkippedModes(title: string): void {
  if (!process.env['REDIS_URL']) {
    describe.skip(`${title} (BullMQ dispatch, needs REDIS_URL)`, () => {
      it('runs only with REDIS_URL', () => undefined);
    });
  }
}
