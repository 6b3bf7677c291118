/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// The dev server proxies /api to a running `cc-analytics serve` (CC_API_TARGET, default
// http://127.0.0.1:3001); changeOrigin makes the Host header the server's own address, which it
// allow-lists.
declare const process: { env: Record<string, string | undefined> };
const apiTarget = process.env.CC_API_TARGET ?? 'http://127.0.0.1:3001';

export default defineConfig({
  // Relative asset URLs: dist/index.html works from any static path.
  base: './',
  build: {
    outDir: 'dist',
    // Nothing inlined as data: URLs (the host's CSP allows only 'self').
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true },
    },
  },
  preview: {
    // The host's policy, so `vite preview` shows what the embedded dashboard may do.
    headers: {
      'Content-Security-Policy':
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    },
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true },
    },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
  },
});
