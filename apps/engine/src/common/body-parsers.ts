import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

function statusOf(error: unknown, limit: BodyLimit): { status: number; message: string; limit?: string } {
  const type = typeof error === 'object' && error !== null && 'type' in error ? error.type : undefined;
  if (type === 'entity.too.large') {
    return { status: 413, message: `The request body is larger than ${limit.bytes} bytes (${limit.name}).`, limit: limit.name };
  }
  if (type === 'entity.parse.failed') return { status: 400, message: 'The request body is not valid JSON.' };
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return { status: 415, message: 'The request body encoding is not supported.' };
  }
  return { status: 400, message: 'The request body could not be read.' };
}

/** The largest body a parser takes, and the setting that says so (named in the 413). */
export interface BodyLimit {
  bytes: number;
  name: string;
}

/** Wraps a body parser so its failures answer JSON 4xx instead of Express's HTML error page. */
function guarded(parser: RequestHandler, limit: BodyLimit): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    parser(request, response, (error?: unknown) => {
      if (error === undefined || error === null) {
        next();
        return;
      }
      const { status, message, limit: name } = statusOf(error, limit);
      response.status(status).json({ statusCode: status, message, ...(name ? { limit: name } : {}) });
    });
  };
}

/** JSON bodies up to `limit` bytes. */
export function jsonBody(limit: BodyLimit): RequestHandler {
  return guarded(express.json({ limit: limit.bytes }), limit);
}

/** Raw bytes, whatever the content type (webhook signatures are computed on them). */
export function rawBody(limit: BodyLimit): RequestHandler {
  return guarded(express.raw({ type: () => true, limit: limit.bytes }), limit);
}
