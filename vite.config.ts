import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import adonisjs from '@adonisjs/vite/client'

export default defineConfig({
  plugins: [
    vue(),
    adonisjs({ entryPoints: ['resources/js/app.ts'], reload: ['resources/views/**/*.edge'] }),
  ],
  resolve: {
    alias: { '~/': `${import.meta.dirname}/resources/js/` },
  },
  server: {
    hmr: process.env.NODE_ENV === 'test' ? false : undefined,
  },
})
