import { join, resolve } from 'node:path'
import type { Logger } from '@adonisjs/core/logger'
import db from '@adonisjs/lucid/services/db'
import { BackupException, BACKUP_EXIT_CODES } from '#services/backup/backup_exception'
import { readManifest, verifyFiles, type BackupManifest } from '#services/backup/backup_manifest'
import { FILES_FOLDER } from '#services/backup/create_backup'
import type { InstallSettings } from '#services/backup/install_settings'
import { knownMigrations } from '#services/backup/migration_names'
import { loadMysqlDump } from '#services/backup/mysql_database'
import { ProgressLog } from '#services/backup/progress_log'
import { findRunningRoles } from '#services/backup/running_roles'
import { replaceSqliteDatabase, sqliteFiles } from '#services/backup/sqlite_database'
import { copyFileWithChecksum, emptyFolder, listFiles } from '#services/backup/storage_files'

/**
 * Checks a backup folder against this install: its manifest and
 * checksums, its migrations against the ones this code has, its database
 * kind against DB_CONNECTION. Raises a BackupException at the first
 * problem, before anything is changed.
 */
export async function checkBackup(settings: InstallSettings, folder: string, logger: Logger) {
  const manifest = await readManifest(folder)

  if (manifest.database?.kind !== settings.databaseKind) {
    throw new BackupException(
      `The backup ${folder} contains a ${manifest.database?.kind} database, but this install uses ${settings.databaseKind} (DB_CONNECTION). Restore it into an install with the same DB_CONNECTION.`,
      { code: 'E_BACKUP_KIND_MISMATCH', exitCode: BACKUP_EXIT_CODES.invalidBackup }
    )
  }

  const known = await knownMigrations(settings.appRoot, settings.migrationPaths)
  const unknown = manifest.migrations.filter((name) => !known.has(name))
  if (unknown.length > 0) {
    throw new BackupException(
      `The backup ${folder} was made by Disparador ${manifest.version} and contains ${unknown.length} migration(s) this version (${settings.version}) does not have: ${unknown.slice(0, 5).join(', ')}. ` +
        `Install Disparador ${manifest.version} or newer, with the same plugins enabled, and restore again.`,
      { code: 'E_BACKUP_NEWER_VERSION', exitCode: BACKUP_EXIT_CODES.invalidBackup }
    )
  }

  const totalBytes = manifest.files.reduce((sum, entry) => sum + entry.bytes, 0)
  const progress = new ProgressLog(logger, 'verifying checksums', 'bytes', totalBytes)
  await verifyFiles(folder, manifest, (entry) => progress.advance(entry.bytes))
  progress.finish()
  return manifest
}

/**
 * Raises E_RESTORE_ROLES_RUNNING when a worker or channels process of this
 * install is running, because it would write into the database while it is
 * replaced.
 */
export async function ensureRolesStopped(logger: Logger) {
  const running = await findRunningRoles(logger)
  if (running.length === 0) {
    return
  }
  const roles = [...new Set(running.map((found) => found.role))].join(' and ')
  const evidence = running.map((found) => found.evidence).join('; ')
  throw new BackupException(
    `A ${roles} process of this install is running (${evidence}). Stop the web, worker and channels processes first (with Docker Compose: docker compose stop web worker channels), then restore again.`,
    { code: 'E_RESTORE_ROLES_RUNNING', exitCode: BACKUP_EXIT_CODES.rolesRunning }
  )
}

/**
 * Raises E_RESTORE_TARGET_NOT_EMPTY when the database has tenants or the
 * files folder has files, unless `force` is set.
 */
export async function ensureTargetReplaceable(
  settings: InstallSettings,
  folder: string,
  force: boolean
) {
  const tenants = await countTenants().catch((error) => {
    if (error.code === 'ER_BAD_DB_ERROR') {
      throw new BackupException(
        `The database "${settings.mysql?.database}" (DB_DATABASE) does not exist. Create it with CREATE DATABASE \`${settings.mysql?.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci, then restore again.`,
        { code: 'E_RESTORE_DATABASE_MISSING' }
      )
    }
    throw error
  })
  const files = await listFiles(settings.storagePath, preservedPaths(settings, folder))
  if (force || (tenants === 0 && files.length === 0)) {
    return { tenants, files: files.length }
  }
  throw new BackupException(
    `The database already has ${tenants} tenant(s) and STORAGE_PATH (${settings.storagePath}) has ${files.length} file(s). ` +
      'The restore would replace them: back them up first, then run the restore again with --force.',
    { code: 'E_RESTORE_TARGET_NOT_EMPTY', exitCode: BACKUP_EXIT_CODES.targetNotEmpty }
  )
}

/**
 * Replaces the database and the files of STORAGE_PATH with the backup's.
 * The caller has checked the backup and the target first.
 */
export async function restoreBackup(
  settings: InstallSettings,
  folder: string,
  manifest: BackupManifest,
  logger: Logger
) {
  const databaseFile = join(folder, manifest.database.file)
  if (settings.databaseKind === 'sqlite') {
    logger.info({ target: settings.sqlitePath }, 'replacing sqlite database')
    await db.manager.closeAll()
    await replaceSqliteDatabase(databaseFile, settings.sqlitePath!)
  } else {
    logger.info({ database: settings.mysql!.database }, 'dropping tables before the load')
    await db.connection().dropAllTables()
    await loadMysqlDump(settings.mysql!, databaseFile, logger)
  }

  await restoreFiles(settings, folder, manifest, logger)
}

async function restoreFiles(
  settings: InstallSettings,
  folder: string,
  manifest: BackupManifest,
  logger: Logger
) {
  const entries = manifest.files.filter((entry) => entry.path.startsWith(`${FILES_FOLDER}/`))
  const totalBytes = entries.reduce((sum, entry) => sum + entry.bytes, 0)
  logger.info({ files: entries.length, totalBytes, to: settings.storagePath }, 'restoring files')
  await emptyFolder(settings.storagePath, preservedPaths(settings, folder))

  const progress = new ProgressLog(logger, 'restoring files', 'bytes', totalBytes)
  for (const entry of entries) {
    const target = join(settings.storagePath, entry.path.slice(FILES_FOLDER.length + 1))
    await copyFileWithChecksum(join(folder, entry.path), target, progress)
  }
  progress.finish()
}

/** Paths under STORAGE_PATH that a restore leaves alone: the database and the backup. */
function preservedPaths(settings: InstallSettings, folder: string) {
  return [resolve(folder), ...(settings.sqlitePath ? sqliteFiles(settings.sqlitePath) : [])]
}

async function countTenants() {
  const connection = db.connection()
  if (!(await connection.schema.hasTable('tenants'))) {
    return 0
  }
  const [row] = await connection.from('tenants').count('* as total')
  return Number(row.total)
}
