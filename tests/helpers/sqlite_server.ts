import { rm } from 'node:fs/promises'
import type { Group } from '@japa/runner/core'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { runAce, startWebServer, type RunningProcess } from '#tests/helpers/processes'

/**
 * Runs the application on an SQLite file of its own for the tests of
 * `group`, as the embedded default does. Before the group it migrates the
 * file, seeds the demo tenant when `seed` is set (its login is written to
 * the returned `demoLoginFile`), starts bin/server.ts with `roles` and
 * waits until `lastRole` has started, and opens the file as the Lucid
 * connection `connection`. With `pages` set, the server also runs Vite in
 * middleware mode, with a cache folder of its own, so a browser can load its
 * pages without a production build. After the group it stops the server and
 * deletes the files.
 */
export function useSqliteServer(
  group: Group,
  options: {
    name: string
    port: number
    roles: string[]
    connection: string
    seed?: boolean
    pages?: boolean
  }
) {
  const sqliteFile = app.tmpPath(`sqlite-${options.name}-${process.pid}.sqlite3`)
  const demoLoginFile = app.tmpPath(`sqlite-${options.name}-login-${process.pid}.txt`)
  const viteCacheDir = app.tmpPath(`sqlite-${options.name}-vite-${process.pid}`)
  const env = {
    // Queues of its own: its ids start at 1 again, and job ids such as `message-1` on
    // `outbound-1` would meet the suite's own jobs under the suite's prefix.
    REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'disparador-test'}-sqlite-${options.name}`,
    DEMO_LOGIN_FILE: demoLoginFile,
    DB_CONNECTION: 'sqlite',
    SQLITE_PATH: sqliteFile,
    PORT: String(options.port),
    HOST: '127.0.0.1',
    SESSION_DRIVER: 'cookie',
    PROCESS_ROLES: options.roles.join(','),
    ...(options.pages ? { DEV_MODE: 'true', VITE_CACHE_DIR: viteCacheDir } : {}),
  }
  const lastRole = options.roles[options.roles.length - 1]
  let server: RunningProcess | undefined

  group.setup(async () => {
    const migrate = await runAce(['migration:run', '--force'], env)
    if (migrate.code !== 0) {
      throw new Error(`migrations failed on SQLite:\n${migrate.output}`)
    }
    if (options.seed) {
      // The demo seeder runs only in development and production.
      const seed = await runAce(['db:seed'], { ...env, NODE_ENV: 'development' })
      if (seed.code !== 0) {
        throw new Error(`the demo seed failed on SQLite:\n${seed.output}`)
      }
    }

    server = startWebServer(env)
    try {
      await server.waitForOutput(new RegExp(`${lastRole} role started`), 60_000)
    } catch (error) {
      // Japa skips the group's teardown when its setup fails, so the server stops here.
      const started = server
      server = undefined
      started.child.kill('SIGKILL')
      await started.waitForExit().catch(() => {})
      const tail = started.output().split('\n').slice(-40).join('\n')
      throw new Error(`${(error as Error).message}\nlast server output:\n${tail}`)
    }
    db.manager.add(options.connection, {
      client: 'better-sqlite3',
      connection: { filename: sqliteFile },
      useNullAsDefault: true,
      // Writes wait while the server writes, as the server's own connections do.
      pool: {
        afterCreate: (connection: any, done: (error: Error | null, connection: any) => void) => {
          connection.pragma('busy_timeout = 5000')
          done(null, connection)
        },
      },
    })
  })

  group.teardown(async () => {
    server?.child.kill('SIGTERM')
    await server?.waitForExit().catch(() => server?.child.kill('SIGKILL'))
    await db.manager.close(options.connection)
    for (const suffix of ['', '-wal', '-shm']) {
      await rm(`${sqliteFile}${suffix}`, { force: true })
    }
    await rm(demoLoginFile, { force: true })
    await rm(viteCacheDir, { recursive: true, force: true })
  })

  /**
   * Runs `check`, and when it throws, throws again with the last lines the
   * server printed, which tell why the server did not get there.
   */
  async function withServerOutput<T>(check: () => Promise<T>) {
    try {
      return await check()
    } catch (error) {
      const tail = (server?.output() ?? '').split('\n').slice(-40).join('\n')
      throw new Error(`${(error as Error).message}\nlast server output:\n${tail}`)
    }
  }

  return { demoLoginFile, withServerOutput }
}

/**
 * Opens a fresh SQLite file as the Lucid connection `connection` for the
 * tests of `group`, with the migrations of `migrationPaths` (the core's by
 * default) configured but not run. After the group it closes the
 * connection and deletes the files.
 */
export function useSqliteFile(
  group: Group,
  connection: string,
  migrationPaths = ['database/migrations']
) {
  const file = app.tmpPath(`${connection}-${process.pid}.sqlite3`)
  group.setup(() => {
    db.manager.add(connection, {
      client: 'better-sqlite3',
      connection: { filename: file },
      useNullAsDefault: true,
      migrations: { naturalSort: true, paths: migrationPaths },
    })
    return async () => {
      await db.manager.close(connection)
      for (const suffix of ['', '-wal', '-shm']) {
        await rm(`${file}${suffix}`, { force: true })
      }
    }
  })
}
