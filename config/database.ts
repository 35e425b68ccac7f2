import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/lucid'
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pluginsConfig from '#config/plugins'
import { pluginMigrationPaths } from '#plugins/plugin_discovery'
import { dataPath } from '#services/data_paths'

/**
 * The embedded SQLite file, relative to the application root unless absolute.
 * SQLite does not create missing folders, so the folder is made here.
 */
const sqliteFile = (() => {
  const file = dataPath(env.get('SQLITE_PATH'), 'tmp/disparador.sqlite3', app.appRoot.pathname)
  mkdirSync(dirname(file), { recursive: true })
  return file
})()

/**
 * The core's migrations, then each plugin's `database/migrations` folder in
 * dependency order, so plugin tables are created and rolled back with the
 * application's.
 */
const migrations = {
  naturalSort: true,
  paths: [
    'database/migrations',
    ...(await pluginMigrationPaths({
      appRoot: fileURLToPath(app.appRoot),
      directories: pluginsConfig.directories,
      disabled: pluginsConfig.disabled,
      coreVersion: JSON.parse(
        readFileSync(join(fileURLToPath(app.appRoot), 'package.json'), 'utf8')
      ).version,
    })),
  ],
}

/**
 * Models declare their columns by hand, so Lucid's generated schema file is off.
 */
const schemaGeneration = { enabled: false }

/**
 * MySQL 8 or MariaDB. DB_SOCKET_PATH wins over host and port, for servers
 * where root signs in through the Unix socket only.
 */
function mysqlConnection() {
  const socketPath = env.get('DB_SOCKET_PATH')
  return {
    client: 'mysql2' as const,
    connection: {
      ...(socketPath
        ? { socketPath }
        : { host: env.get('DB_HOST') ?? '127.0.0.1', port: env.get('DB_PORT') ?? 3306 }),
      user: env.get('DB_USER') ?? 'root',
      password: env.get('DB_PASSWORD') ?? '',
      database: env.get('DB_DATABASE') ?? 'disparador',
      charset: 'utf8mb4',
      timezone: 'Z',
      dateStrings: false,
    },
    pool: { min: 0, max: 10 },
    migrations,
    schemaGeneration,
  }
}

const dbConfig = defineConfig({
  connection: env.get('DB_CONNECTION') ?? 'sqlite',
  connections: {
    sqlite: {
      client: 'better-sqlite3',
      connection: { filename: sqliteFile },
      useNullAsDefault: true,
      pool: {
        afterCreate: (connection: any, done: (error: Error | null, connection: any) => void) => {
          connection.pragma('journal_mode = WAL')
          connection.pragma('foreign_keys = ON')
          connection.pragma('busy_timeout = 5000')
          done(null, connection)
        },
      },
      migrations,
      schemaGeneration,
    },
    mysql: mysqlConnection(),
  },
})

export default dbConfig
