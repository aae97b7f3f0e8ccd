import { join } from 'node:path';
import type { NextConfig } from 'next';

// The monorepo root: workspace libraries (e.g. @parley/flow-core) live outside
// this app and are reached through node_modules symlinks, so file tracing and
// Turbopack must be allowed to look there.
const workspaceRoot = join(__dirname, '..', '..');

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  outputFileTracingRoot: workspaceRoot,
  turbopack: { root: workspaceRoot },
  headers() {
    // Signed-in pages show customer data: never frame them, never leak URLs to other sites.
    return Promise.resolve([
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ]);
  },
};

export default nextConfig;
