import { defineStepHandler } from '@parley/node-sdk';
import { httpRequestDefinition } from './http-request.definition';

export const httpRequestHandler = defineStepHandler(httpRequestDefinition, {
  execute: async ({ config, services }) => {
    const url = (await services.render(config.url)).trim();
    const headers: Record<string, string> = {};
    for (const header of config.headers) headers[header.name.toLowerCase()] = await services.render(header.value);
    const body = config.method === 'GET' || config.body === '' ? null : await services.render(config.body);
    if (body !== null && headers['content-type'] === undefined) {
      headers['content-type'] = /^\s*[[{]/.test(body) ? 'application/json' : 'text/plain; charset=utf-8';
    }
    const result = await services.http.request({ method: config.method, url, headers, body, timeoutMs: config.timeoutSeconds * 1000 });
    if (!result.ok) {
      return {
        outcome: 'failed',
        errorCode: result.errorCode,
        errorMessage: result.errorMessage,
        retryable: result.errorCode === 'timeout' || result.errorCode === 'network',
        data: { url },
      };
    }
    const data = { status: result.status, body: result.body, headers: result.headers };
    if (result.status >= 200 && result.status < 300) return { outcome: 'continue', output: 'next', data };
    return {
      outcome: 'failed',
      errorCode: `http_${result.status}`,
      errorMessage: `${config.method} ${url} answered ${result.status}`,
      // Rate limits and server errors may pass; other client errors will not.
      retryable: result.status === 429 || result.status >= 500,
      data,
    };
  },
});
