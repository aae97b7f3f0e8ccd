import { ConfigError, loadEngineConfig } from './engine-config';

const minimal = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/parley',
  SECRETS_KEY: 'a'.repeat(64),
};

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadEngineConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadEngineConfig', () => {
  it('applies defaults to a minimal environment', () => {
    const config = loadEngineConfig(minimal);
    expect(config).toMatchObject({
      ENGINE_ROLE: 'all',
      PORT: 3001,
      WHATSAPP_API_VERSION: 'v24.0',
      WHATSAPP_API_BASE_URL: 'https://graph.facebook.com',
      CLOUD_API_SLOW_MS: 1500,
      CLOUD_API_DEGRADED_AFTER: 3,
    });
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.METRICS_TOKEN).toBeUndefined();
    expect(config.SECRETS_KEY).toHaveLength(32);
  });

  it('refuses a metrics token short enough to guess', () => {
    expect(problemsOf({ ...minimal, METRICS_TOKEN: 'short' })).toEqual([
      expect.stringMatching(/^METRICS_TOKEN: must be at least 16 characters/),
    ]);
  });

  it('accepts a base64 key', () => {
    expect(loadEngineConfig({ ...minimal, SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') }).SECRETS_KEY).toEqual(Buffer.alloc(32, 7));
  });

  it('names each wrong variable and hides secret values', () => {
    const problems = problemsOf({ ...minimal, PORT: 'eighty', SECRETS_KEY: 'short', DATABASE_URL: 'mysql://x' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: .*\("eighty"\)$/),
        expect.stringMatching(/^SECRETS_KEY: must be 32 bytes.*\(set\)$/),
        expect.stringMatching(/^DATABASE_URL: .*postgres/),
      ]),
    );
    expect(problems.join('\n')).not.toContain('short');
  });

  it('reports a missing required variable', () => {
    expect(problemsOf({ SECRETS_KEY: minimal.SECRETS_KEY })).toEqual([expect.stringMatching(/^DATABASE_URL: .*\(not set\)$/)]);
  });

  it('pushes CRM changes as they are queued unless CRM_PUSH_ON_CHANGE is false, and names a wrong value', () => {
    expect(loadEngineConfig(minimal).CRM_PUSH_ON_CHANGE).toBe(true);
    expect(loadEngineConfig({ ...minimal, CRM_PUSH_ON_CHANGE: 'false' }).CRM_PUSH_ON_CHANGE).toBe(false);
    expect(problemsOf({ ...minimal, CRM_PUSH_ON_CHANGE: 'no' }).join('\n')).toMatch(/CRM_PUSH_ON_CHANGE/);
  });

  it('treats an empty REDIS_URL as unset', () => {
    expect(loadEngineConfig({ ...minimal, REDIS_URL: '' }).REDIS_URL).toBeUndefined();
    expect(problemsOf({ ...minimal, REDIS_URL: 'http://x' })).toEqual([expect.stringMatching(/^REDIS_URL: /)]);
  });

  it('refuses a split role without Redis', () => {
    expect(problemsOf({ ...minimal, ENGINE_ROLE: 'worker' })).toEqual([expect.stringMatching(/^ENGINE_ROLE: .*REDIS_URL/)]);
    expect(loadEngineConfig({ ...minimal, ENGINE_ROLE: 'worker', REDIS_URL: 'redis://127.0.0.1:6379' }).ENGINE_ROLE).toBe('worker');
  });
});
