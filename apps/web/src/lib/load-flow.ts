import { cache } from 'react';
import { readFromEngine } from './engine-server';
import { flowDetailSchema } from './flow-detail';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` can name a flow at all; anything else is a page that does not exist. */
export function isFlowId(id: string): boolean {
  return UUID.test(id);
}

/** One flow with its draft; cached per request so metadata and page share one engine call. */
export const loadFlow = cache((id: string) =>
  readFromEngine(`/api/flows/${encodeURIComponent(id)}`, flowDetailSchema, { notFoundPage: true }),
);
