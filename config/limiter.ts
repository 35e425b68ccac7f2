import { defineConfig, stores } from '@adonisjs/limiter'

/**
 * Rate limits are kept in the database, so every web process of an install
 * counts against the same figures.
 */
const limiterConfig = defineConfig({
  default: 'database',
  stores: {
    database: stores.database({ tableName: 'rate_limits' }),
    memory: stores.memory({}),
  },
})

export default limiterConfig

declare module '@adonisjs/limiter/types' {
  export interface LimitersList extends InferLimiters<typeof limiterConfig> {}
}
