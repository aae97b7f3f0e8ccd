import type { INestApplication } from '@nestjs/common';

function record(value: unknown): Record<string, unknown> | null {
  // Express routers are functions with properties, so functions count as records here.
  return (typeof value === 'object' || typeof value === 'function') && value !== null ? Object.fromEntries(Object.entries(value)) : null;
}

/** "METHOD /path" of every route registered on the Express app, read from its router. */
export function registeredRoutes(app: INestApplication): string[] {
  const instance = record(app.getHttpAdapter().getInstance());
  const router = record(instance?.['router']);
  const stack = router?.['stack'];
  if (!Array.isArray(stack)) throw new Error('Express router stack not found');
  const routes: string[] = [];
  for (const layer of stack) {
    const route = record(record(layer)?.['route']);
    const methods = record(route?.['methods']);
    const path = route?.['path'];
    if (!methods || typeof path !== 'string') continue;
    for (const [method, enabled] of Object.entries(methods)) {
      if (enabled === true) routes.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return routes;
}
