import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ApplicationService } from '@adonisjs/core/types'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import { dataPath } from '#services/data_paths'
import { BackupException } from '#services/backup/backup_exception'
import type { DatabaseKind } from '#services/backup/backup_manifest'
import type { MysqlSettings } from '#services/backup/mysql_database'

/** Data locations and database settings of this install, for backup and restore. */
export interface InstallSettings {
  appRoot: string
  /** `version` of package.json. */
  version: string
  databaseKind: DatabaseKind
  /** The SQLite file, for the `sqlite` kind. */
  sqlitePath?: string
  /** Connection settings, for the `mysql` kind. */
  mysql?: MysqlSettings
  /** Lucid's migration folders of the default connection. */
  migrationPaths: string[]
  /** The files folder, STORAGE_PATH. */
  storagePath: string
}

/** Reads the settings of the default database connection and the files folder. */
export async function readInstallSettings(app: ApplicationService): Promise<InstallSettings> {
  const appRoot = fileURLToPath(app.appRoot)
  const packageJson = JSON.parse(await readFile(join(appRoot, 'package.json'), 'utf8'))
  const connectionName = db.primaryConnectionName
  const config = db.manager.get(connectionName)!.config as any
  const settings = {
    appRoot,
    version: packageJson.version as string,
    migrationPaths: (config.migrations?.paths ?? ['database/migrations']) as string[],
    storagePath: dataPath(env.get('STORAGE_PATH'), 'storage', appRoot),
  }

  if (config.client === 'better-sqlite3') {
    return { ...settings, databaseKind: 'sqlite', sqlitePath: config.connection.filename }
  }
  if (config.client === 'mysql2') {
    const { host, port, socketPath, user, password, database } = config.connection
    return {
      ...settings,
      databaseKind: 'mysql',
      mysql: { host, port, socketPath, user, password, database },
    }
  }
  throw new BackupException(
    `The database client "${config.client}" of connection "${connectionName}" has no backup support. ` +
      'Set DB_CONNECTION to sqlite or mysql.',
    { code: 'E_BACKUP_DATABASE_UNSUPPORTED' }
  )
}
