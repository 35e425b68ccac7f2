import { defineConfig } from '@adonisjs/core/app'

export default defineConfig({
  experimental: {},

  commands: [
    () => import('@adonisjs/core/commands'),
    () => import('@adonisjs/lucid/commands'),
    () => import('@adonisjs/session/commands'),
    () => import('@adonisjs/mail/commands'),
    () => import('@adonisjs/bouncer/commands'),
  ],

  providers: [
    () => import('@adonisjs/core/providers/app_provider'),
    () => import('@adonisjs/core/providers/hash_provider'),
    {
      file: () => import('@adonisjs/core/providers/repl_provider'),
      environment: ['repl', 'test'],
    },
    () => import('@adonisjs/core/providers/vinejs_provider'),
    () => import('@adonisjs/core/providers/edge_provider'),
    () => import('@adonisjs/session/session_provider'),
    () => import('@adonisjs/vite/vite_provider'),
    () => import('@adonisjs/shield/shield_provider'),
    () => import('@adonisjs/static/static_provider'),
    () => import('@adonisjs/lucid/database_provider'),
    () => import('@adonisjs/cors/cors_provider'),
    () => import('@adonisjs/inertia/inertia_provider'),
    () => import('@adonisjs/auth/auth_provider'),
    () => import('@adonisjs/i18n/i18n_provider'),
    () => import('@adonisjs/limiter/limiter_provider'),
    () => import('@adonisjs/mail/mail_provider'),
    () => import('@adonisjs/bouncer/bouncer_provider'),
    () => import('#providers/transmit_provider'),
    () => import('#providers/plugins_provider'),
    () => import('@adonisjs/drive/drive_provider'),
  ],

  preloads: [
    () => import('#start/routes'),
    () => import('#start/kernel'),
    () => import('#start/engine'),
    { file: () => import('#start/events'), environment: ['web', 'test'] },
    { file: () => import('#start/transmit'), environment: ['web', 'test'] },
  ],

  directories: {
    languageFiles: 'resources/lang',
  },

  tests: {
    suites: [
      { files: ['tests/unit/**/*.spec.ts'], name: 'unit', timeout: 10_000 },
      { files: ['tests/functional/**/*.spec.ts'], name: 'functional', timeout: 60_000 },
      { files: ['tests/browser/**/*.spec.ts'], name: 'browser', timeout: 120_000 },
      { files: ['plugins/*/tests/**/*.spec.ts'], name: 'plugins', timeout: 60_000 },
    ],
    forceExit: true,
  },

  metaFiles: [
    { pattern: 'resources/views/**/*.edge', reloadServer: false },
    { pattern: 'resources/lang/**/*.{json,yaml,yml}', reloadServer: false },
    { pattern: 'public/**', reloadServer: false },
    // The build copies each plugin's manifest and translations: plugin discovery reads them at run time.
    { pattern: 'plugins/*/plugin.json', reloadServer: true },
    { pattern: 'plugins/*/lang/**/*.json', reloadServer: false },
  ],

  hooks: {
    buildStarting: [() => import('@adonisjs/vite/build_hook')],
  },
})
