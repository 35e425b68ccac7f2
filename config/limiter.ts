import { defineConfig, stores } from '@adonisjs/limiter'

/**
 * Rate limits (failed sign-ins, API tokens) are counted in process memory.
 * NOTE: with several web processes each one counts on its own, so the
 * effective limit is the configured one times the number of web processes.
 * The database store is kept for that case, but with MySQL it was seen to
 * receive a closed pool connection from knex after a long test run and answer
 * 500, so it is not the default until that is understood.
 */
const limiterConfig = defineConfig({
  default: 'memory',
  stores: {
    database: stores.database({ tableName: 'rate_limits' }),
    memory: stores.memory({}),
  },
})

export default limiterConfig

declare module '@adonisjs/limiter/types' {
  export interface LimitersList extends InferLimiters<typeof limiterConfig> {}
}
