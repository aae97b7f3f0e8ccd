import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

// The page's files sit beside src/ and dist/ alike, so the same path works from sources (tests) and the build.
const ASSETS = join(__dirname, '..', 'assets', 'phone');

const FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/phone': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/phone/phone.css': { file: 'phone.css', type: 'text/css; charset=utf-8' },
  '/phone/phone.js': { file: 'phone.js', type: 'text/javascript; charset=utf-8' },
};

/** Serves the phone page (plain HTML, CSS and JS, no framework). Returns false for other paths. */
export async function phonePageRoute(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
  const entry = request.method === 'GET' ? FILES[url.pathname] : undefined;
  if (!entry) return false;
  const content = await readFile(join(ASSETS, entry.file));
  response.writeHead(200, { 'content-type': entry.type, 'content-length': content.length, 'cache-control': 'no-cache' });
  response.end(content);
  return true;
}
