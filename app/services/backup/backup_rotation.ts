import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '@adonisjs/core/logger'
import { BackupException } from '#services/backup/backup_exception'

/** Names of complete backup folders: `disparador-backup-` and the UTC time, as `createBackup` names them. */
const BACKUP_FOLDER = /^disparador-backup-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/

/**
 * Reads the `--keep` option: a whole number of backups, 1 or more. Throws
 * a `BackupException` that names the value otherwise.
 */
export function parseKeepCount(value: number | undefined) {
  if (value === undefined) {
    return null
  }
  if (!Number.isInteger(value) || value < 1) {
    throw new BackupException(
      `Invalid --keep value ${value}: give the number of backups to keep, a whole number of 1 or more.`,
      { code: 'E_BACKUP_KEEP_INVALID' }
    )
  }
  return value
}

/**
 * Deletes the complete backup folders of `parent` beyond the `keep` newest
 * and returns the names it deleted, oldest first. Folders are ordered by
 * the time in their names. A `.partial` folder, which a running or failed
 * backup leaves, and any other file stay as they are.
 */
export async function pruneBackups(parent: string, keep: number, logger: Logger) {
  const entries = await readdir(parent, { withFileTypes: true })
  const backups = entries
    .filter((entry) => entry.isDirectory() && BACKUP_FOLDER.test(entry.name))
    .map((entry) => entry.name)
    .sort()
  const removed = backups.slice(0, Math.max(0, backups.length - keep))
  for (const name of removed) {
    await rm(join(parent, name), { recursive: true, force: true })
    logger.info({ folder: join(parent, name), keep }, 'old backup deleted')
  }
  return removed
}
