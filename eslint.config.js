import { configApp } from '@adonisjs/eslint-config'
import { vue } from '@adonisjs/eslint-config/vue'

export default configApp(
  ...vue,
  {
    ignores: ['public/**', 'tmp/**', '.adonisjs/**', '.node/**', 'build/**'],
  },
  {
    // Vue's own conventions for the browser code: PascalCase component files
    // and camelCase composables (useSomething.ts) beside snake_case pages.
    files: ['resources/js/**/*.{ts,vue}'],
    rules: {
      '@unicorn/filename-case': [
        'error',
        { cases: { snakeCase: true, pascalCase: true, camelCase: true } },
      ],
    },
  }
)
