import { configApp } from '@adonisjs/eslint-config'
import { vue } from '@adonisjs/eslint-config/vue'

export default configApp(...vue, {
  ignores: ['public/**', 'tmp/**', '.adonisjs/**', '.node/**', 'build/**'],
})
