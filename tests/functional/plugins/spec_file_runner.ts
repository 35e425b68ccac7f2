/**
 * Runs Japa on the spec files named on the command line, in the test
 * environment of the application, with the plugins and teardown of
 * tests/bootstrap.ts but without its database reset. `node ace test` only runs files that
 * match a suite of adonisrc.ts, so this runs skeletons generated under
 * tmp/. Before the tests it prints `plugin <name> <status>` for each plugin
 * the host found (set PLUGINS_PATH to choose the folders).
 *
 * Usage: node --import @poppinss/ts-exec tests/functional/plugins/spec_file_runner.ts FILE...
 */
process.env.NODE_ENV = 'test'

import 'reflect-metadata'
import { Ignitor, prettyPrintError } from '@adonisjs/core'
import { configure, run } from '@japa/runner'
import { APP_ROOT, importer } from '../../../bin/importer.js'

const files = process.argv.slice(2)

/**
 * Transmit 3.0.2 subscribes to its Redis channel without awaiting it, so
 * closing the connection before the SUBSCRIBE reply arrives rejects that
 * promise unhandled, and Japa fails the run. Short runs end that early, so
 * this waits until the subscription shows in `PUBSUB CHANNELS`. Give the
 * process a REDIS_PREFIX of its own, or another process's subscription
 * satisfies the check.
 */
async function waitForTransmitSubscription() {
  const { redisSettings } = await import('#config/redis')
  const { createRedisConnection } = await import('#queues/redis_connection')
  const pattern = `*${redisSettings().keyPrefix}:transmit*`
  const connection = createRedisConnection('spec-runner')
  const deadline = Date.now() + 10_000
  let channels = await connection.pubsub('CHANNELS', pattern)
  while (channels.length === 0) {
    if (Date.now() > deadline) {
      throw new Error(`no Redis subscription matching ${pattern} within 10 s`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
    channels = await connection.pubsub('CHANNELS', pattern)
  }
}

new Ignitor(APP_ROOT, { importer })
  .tap((app) => {
    app.booting(async () => {
      await import('#start/env')
    })
  })
  .testRunner()
  .configure(async (app) => {
    const { plugins, runnerHooks } = await import('../../bootstrap.js')
    configure({
      files,
      plugins,
      forceExit: true,
      teardown: [...runnerHooks.teardown, () => app.terminate()],
    })
  })
  .run(async (app) => {
    await waitForTransmitSubscription()
    const host = await app.container.make('plugins')
    for (const record of host.records()) {
      console.log(
        `plugin ${record.name} ${record.status}${record.error ? ` ${record.error.message}` : ''}`
      )
    }
    await run()
  })
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
