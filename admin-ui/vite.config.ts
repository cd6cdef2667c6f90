import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// Served by the host at /admin/ on its admin listener: every asset path is relative to that base,
// and everything is bundled (no asset is fetched from anywhere at run time).
export default defineConfig({
  base: '/admin/',
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0 },
});
