import { callSimulator } from '../../test-support/simulator-call';

/** A local CRM server as the contract tests use it. */
export interface ContractSimulator {
  url: string;
  close(): Promise<void>;
}

/**
 * The setup every connector contract test shares: one local CRM server for
 * the file, reset to empty before each test, and its /sim control routes.
 */
export function useContractSimulator<T extends ContractSimulator>(
  start: () => Promise<T>,
): { sim(): T; control(method: string, path: string, body?: unknown): Promise<number> } {
  let running: T | null = null;
  const sim = (): T => {
    if (!running) throw new Error('the local CRM is not running (used outside a test?)');
    return running;
  };
  const control = async (method: string, path: string, body?: unknown): Promise<number> =>
    (await callSimulator(sim().url, method, path, body)).status;
  beforeAll(async () => {
    running = await start();
  });
  afterAll(async () => {
    await running?.close();
  });
  beforeEach(async () => {
    await control('POST', '/sim/reset');
  });
  return { sim, control };
}
