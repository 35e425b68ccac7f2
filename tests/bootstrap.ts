import { assert } from '@japa/assert'
import { apiClient } from '@japa/api-client'
import { browserClient, decoratorsCollection } from '@japa/browser-client'
import app from '@adonisjs/core/services/app'
import type { Config } from '@japa/runner/types'
import { pluginAdonisJS } from '@japa/plugin-adonisjs'
import testUtils from '@adonisjs/core/services/test_utils'
import { sessionApiClient } from '@adonisjs/session/plugins/api_client'
import { sessionBrowserClient } from '@adonisjs/session/plugins/browser_client'
import { shieldApiClient } from '@adonisjs/shield/plugins/api_client'
import { authApiClient } from '@adonisjs/auth/plugins/api_client'
import { authBrowserClient } from '@adonisjs/auth/plugins/browser_client'
import { chromium } from 'playwright'
import { CHROMIUM_ARGS, chromiumPath } from '#tests/helpers/chromium'
import { waitingAssertions } from '#tests/helpers/browser_assertions'

// Applied after the browser client's own decorators, so these assertions replace its.
decoratorsCollection.register(waitingAssertions)

/**
 * Japa plugins. Browser suites drive the system Chromium through Playwright;
 * Playwright never downloads a browser of its own here.
 */
export const plugins: Config['plugins'] = [
  assert(),
  pluginAdonisJS(app),
  apiClient(),
  sessionApiClient(app),
  shieldApiClient(),
  authApiClient(app),
  browserClient({
    runInSuites: ['browser'],
    launcher: (config) =>
      chromium.launch({ ...config, executablePath: chromiumPath(), args: CHROMIUM_ARGS }),
    contextOptions: { locale: 'en-US', viewport: { width: 1366, height: 900 } },
  }),
  sessionBrowserClient(app),
  authBrowserClient(app),
]

/**
 * The test database is rebuilt from the migrations once per run, so a run
 * never depends on what an earlier one left behind. Each run owns its
 * database, so the migrator's advisory lock is left off. MySQL's locks are
 * server-wide, and Lucid's migrator may release its lock on another pooled
 * connection than the one that took it, so two runs on one server failed.
 */
export const runnerHooks: Required<Pick<Config, 'setup' | 'teardown'>> = {
  setup: [
    async () => {
      const ace = await app.container.make('ace')
      // migration:fresh would pass --disable-locks on to db:wipe, which rejects it.
      for (const [name, args] of [
        ['db:wipe', ['--force']],
        ['migration:run', ['--force', '--disable-locks']],
      ] as const) {
        const command = await ace.exec(name, [...args])
        if (command.exitCode) {
          throw command.error ?? new Error(`${name} failed on the test database`)
        }
      }
    },
  ],
  teardown: [
    async () => {
      const { closeQueues } = await import('#queues/queue_factory')
      const { closeRedisConnections } = await import('#queues/redis_connection')
      await closeQueues()
      await closeRedisConnections()
    },
  ],
}

export const configureSuite: Config['configureSuite'] = (suite) => {
  if (['browser', 'functional'].includes(suite.name)) {
    return suite.setup(() => testUtils.httpServer().start())
  }
}
