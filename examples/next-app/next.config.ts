import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // The App Router's default, stated because the example is tested under it: one connection
  // despite StrictMode's double mount in `next dev`.
  reactStrictMode: true,
  // This app lives inside the library's repository, which has a lockfile of its own: without
  // these, Next.js takes the repository for the project root (and warns about it).
  outputFileTracingRoot: __dirname,
  turbopack: { root: __dirname },
};

export default nextConfig;
