import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Logger } from '@adonisjs/core/logger'
import { BackupException } from '#services/backup/backup_exception'
import {
  MANIFEST_FORMAT,
  sha256OfFile,
  writeManifest,
  type BackupFileEntry,
  type BackupManifest,
} from '#services/backup/backup_manifest'
import type { InstallSettings } from '#services/backup/install_settings'
import { appliedMigrations } from '#services/backup/migration_names'
import { dumpMysqlDatabase } from '#services/backup/mysql_database'
import { ProgressLog } from '#services/backup/progress_log'
import { copySqliteDatabase, sqliteFiles } from '#services/backup/sqlite_database'
import { copyFileWithChecksum, isInside, listFiles } from '#services/backup/storage_files'

/** Folder of the copied STORAGE_PATH files inside a backup. */
export const FILES_FOLDER = 'files'

/**
 * Writes a backup folder named with the time into `parent`: a consistent
 * copy of the database, the files of STORAGE_PATH and a manifest with the
 * checksum of each file. The folder is written as `<name>.partial` and
 * renamed once complete, so a folder without that suffix is whole. No
 * setting of the install, APP_KEY included, goes into it.
 */
export async function createBackup(settings: InstallSettings, parent: string, logger: Logger) {
  const destination = resolve(parent)
  if (isInside(destination, settings.storagePath)) {
    throw new BackupException(
      `The backup folder ${destination} is inside STORAGE_PATH (${settings.storagePath}), so every backup would copy the ones before it. Choose another folder with --to.`,
      { code: 'E_BACKUP_TARGET_INVALID' }
    )
  }

  const createdAt = new Date()
  const name = `disparador-backup-${createdAt.toISOString().replace(/[:.]/g, '-')}`
  const folder = join(destination, name)
  const partial = `${folder}.partial`
  await mkdir(partial, { recursive: true, mode: 0o700 })
  logger.info({ folder: partial }, 'backup started')

  try {
    const { file, migrations } = await backUpDatabase(settings, partial, logger)
    const files = await backUpStorage(settings, partial, destination, logger)
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      product: 'disparador',
      version: settings.version,
      createdAt: createdAt.toISOString(),
      database: { kind: settings.databaseKind, file },
      migrations,
      files: [await describeFile(partial, file), ...files],
    }
    await writeManifest(partial, manifest)
    await rename(partial, folder)
    return { folder, manifest }
  } catch (error) {
    await rm(partial, { recursive: true, force: true })
    throw error
  }
}

async function backUpDatabase(settings: InstallSettings, folder: string, logger: Logger) {
  if (settings.databaseKind === 'sqlite') {
    const file = 'database.sqlite3'
    logger.info({ source: settings.sqlitePath }, 'copying sqlite database')
    const migrations = await copySqliteDatabase(settings.sqlitePath!, join(folder, file))
    return { file, migrations }
  }

  const file = 'database.sql'
  // Read before the dump starts, so a migration that runs during the dump
  // may be in the dump but not in this list. The list only serves the
  // restore's version check, which then errs on the lenient side.
  const migrations = await appliedMigrations()
  logger.info({ database: settings.mysql!.database }, 'dumping mysql database')
  await dumpMysqlDatabase(settings.mysql!, join(folder, file), logger)
  return { file, migrations }
}

async function backUpStorage(
  settings: InstallSettings,
  folder: string,
  destination: string,
  logger: Logger
) {
  const excluded = [destination, ...(settings.sqlitePath ? sqliteFiles(settings.sqlitePath) : [])]
  const files = await listFiles(settings.storagePath, excluded)
  const totalBytes = files.reduce((sum, file) => sum + file.bytes, 0)
  logger.info({ files: files.length, totalBytes, from: settings.storagePath }, 'copying files')

  const progress = new ProgressLog(logger, 'copying files', 'bytes', totalBytes)
  const entries: BackupFileEntry[] = []
  for (const file of files) {
    const path = `${FILES_FOLDER}/${file.relativePath}`
    const sha256 = await copyFileWithChecksum(
      join(settings.storagePath, file.relativePath),
      join(folder, path),
      progress
    )
    const { size } = await stat(join(folder, path))
    entries.push({ path, bytes: size, sha256 })
  }
  progress.finish()
  return entries
}

async function describeFile(folder: string, path: string): Promise<BackupFileEntry> {
  const absolute = join(folder, path)
  const { size } = await stat(absolute)
  return { path, bytes: size, sha256: await sha256OfFile(absolute) }
}
