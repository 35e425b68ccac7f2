import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import adonisjs from '@adonisjs/vite/client'

export default defineConfig({
  plugins: [
    vue(),
    adonisjs({ entryPoints: ['resources/js/app.ts'], reload: ['resources/views/**/*.edge'] }),
  ],
  // A second dev server on the same checkout (the embedded-default test starts
  // one) takes its own VITE_CACHE_DIR, so it cannot rewrite the first one's
  // pre-bundled dependencies under its feet. Default: node_modules/.vite.
  cacheDir: process.env.VITE_CACHE_DIR,
  resolve: {
    alias: { '~/': `${import.meta.dirname}/resources/js/` },
  },
  // Pages render in the browser only. Building just the client environment keeps
  // Vite's default SSR environment from emptying public/assets and rewriting
  // the manifest with server files during `node ace build`.
  builder: {
    async buildApp(builder) {
      await builder.build(builder.environments.client)
    },
  },
  // Scan every page up front, so Vite bundles all their dependencies when the
  // dev server starts. Otherwise the first visit of a page with a new
  // dependency makes Vite re-bundle and reload the page, which breaks tests.
  optimizeDeps: {
    entries: ['resources/js/app.ts', 'resources/js/pages/**/*.vue', 'plugins/*/pages/**/*.vue'],
    // The scan misses the flow editor's layout code, which loads on the first Tidy, so its
    // library would be bundled on that click, slowing it down by seconds.
    include: ['@dagrejs/dagre'],
  },
  server: {
    hmr: process.env.NODE_ENV === 'test' ? false : undefined,
  },
})
