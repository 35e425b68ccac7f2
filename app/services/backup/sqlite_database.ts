import { copyFile, rename, rm, stat } from 'node:fs/promises'
import Database from 'better-sqlite3'
import { BackupException, BACKUP_EXIT_CODES } from '#services/backup/backup_exception'

/** Suffixes of the files SQLite keeps beside a database in WAL mode. */
const SIDE_FILES = ['-wal', '-shm', '-journal']

/**
 * Writes a consistent copy of the SQLite database at `source` to
 * `destination` with `VACUUM INTO`, which reads inside one transaction, so
 * writers of the running product neither block nor tear it. Then checks the
 * copy with `PRAGMA integrity_check` and returns the migrations it records.
 */
export async function copySqliteDatabase(source: string, destination: string) {
  await stat(source).catch(() => {
    throw new BackupException(
      `The SQLite database ${source} (SQLITE_PATH) does not exist. Set SQLITE_PATH to the file the product uses.`,
      { code: 'E_BACKUP_DATABASE_MISSING' }
    )
  })

  const connection = new Database(source, { fileMustExist: true })
  try {
    connection.pragma('busy_timeout = 5000')
    connection.prepare('VACUUM INTO ?').run(destination)
  } finally {
    connection.close()
  }

  return inspectSqliteFile(destination)
}

/**
 * Checks an SQLite file with `PRAGMA integrity_check` and returns the names
 * of the migrations recorded in it.
 */
export function inspectSqliteFile(path: string) {
  const connection = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const rows = connection.pragma('integrity_check') as { integrity_check: string }[]
    const problems = rows.map((row) => row.integrity_check).filter((line) => line !== 'ok')
    if (problems.length > 0) {
      throw new BackupException(
        `The SQLite file ${path} failed its integrity check: ${problems.slice(0, 5).join('; ')}.`,
        { code: 'E_BACKUP_DATABASE_CORRUPT', exitCode: BACKUP_EXIT_CODES.invalidBackup }
      )
    }
    const hasSchema = connection
      .prepare("select 1 from sqlite_master where type = 'table' and name = 'adonis_schema'")
      .get()
    if (!hasSchema) {
      return []
    }
    const migrations = connection.prepare('select name from adonis_schema order by id').all()
    return (migrations as { name: string }[]).map((row) => row.name)
  } finally {
    connection.close()
  }
}

/**
 * Replaces the SQLite database at `target` with the backup's copy. The
 * copy is written beside the target and renamed over it, so a failure
 * halfway leaves no half-written database. The old WAL and shared-memory
 * files are deleted first, because SQLite would replay them onto the new
 * file. Every connection to `target` must be closed.
 */
export async function replaceSqliteDatabase(backupFile: string, target: string) {
  const staging = `${target}.restoring`
  await copyFile(backupFile, staging)
  for (const suffix of SIDE_FILES) {
    await rm(`${target}${suffix}`, { force: true })
  }
  await rename(staging, target)
}

/** Lists the database file and the files SQLite keeps beside it. */
export function sqliteFiles(path: string) {
  return [path, ...SIDE_FILES.map((suffix) => `${path}${suffix}`), `${path}.restoring`]
}
