import { configApp } from '@adonisjs/eslint-config'
import { vue } from '@adonisjs/eslint-config/vue'

export default configApp(
  ...vue,
  {
    ignores: ['public/**', 'tmp/**', '.adonisjs/**', '.node/**', 'build/**'],
  },
  {
    // Plugin pages are Vue single-file components with TypeScript, checked
    // with the same rules as the core's pages under resources/js.
    ...vue.at(-1),
    files: ['plugins/**/*.vue', 'tests/fixtures/plugins/**/*.vue'],
  },
  {
    // Vue's own conventions for the browser code: PascalCase component files
    // and camelCase composables (useSomething.ts) beside snake_case pages.
    files: ['resources/js/**/*.{ts,vue}', 'plugins/**/*.vue', 'tests/fixtures/plugins/**/*.vue'],
    rules: {
      '@unicorn/filename-case': [
        'error',
        { cases: { snakeCase: true, pascalCase: true, camelCase: true } },
      ],
    },
  }
)
