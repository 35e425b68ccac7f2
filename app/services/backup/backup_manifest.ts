import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { BackupException, BACKUP_EXIT_CODES } from '#services/backup/backup_exception'

/** Version of the manifest layout; a restore rejects layouts it does not know. */
export const MANIFEST_FORMAT = 1

export const MANIFEST_FILE = 'manifest.json'

export type DatabaseKind = 'sqlite' | 'mysql'

/** One file of a backup, with the checksum a restore verifies. */
export interface BackupFileEntry {
  /** Path inside the backup folder, with `/` separators. */
  path: string
  bytes: number
  sha256: string
}

/** Contents of the `manifest.json` of a backup folder. */
export interface BackupManifest {
  format: number
  product: 'disparador'
  /** `version` of package.json of the install that made the backup. */
  version: string
  /** ISO 8601 time at which the backup started. */
  createdAt: string
  database: {
    kind: DatabaseKind
    /** The dump or database file inside the backup folder. */
    file: string
  }
  /** Names of the migrations applied to the database, as Lucid stores them. */
  migrations: string[]
  /** Every file of the backup except the manifest itself. */
  files: BackupFileEntry[]
}

/** Computes the SHA-256 of a file, as lowercase hex, by streaming it. */
export async function sha256OfFile(path: string) {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk)
  }
  return hash.digest('hex')
}

export async function writeManifest(folder: string, manifest: BackupManifest) {
  await writeFile(join(folder, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n', {
    mode: 0o600,
  })
}

/**
 * Reads and validates the manifest of a backup folder. A missing or
 * malformed manifest raises E_BACKUP_INVALID.
 */
export async function readManifest(folder: string): Promise<BackupManifest> {
  const path = join(folder, MANIFEST_FILE)
  let manifest: BackupManifest
  try {
    manifest = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw invalidBackup(
      `Cannot read the backup manifest ${path} (${(error as Error).message}). ` +
        'Give the folder that "node ace backup" wrote, with its manifest.json.'
    )
  }

  if (manifest?.product !== 'disparador' || manifest.format !== MANIFEST_FORMAT) {
    throw invalidBackup(
      `The manifest ${path} is not a Disparador backup manifest of format ${MANIFEST_FORMAT} ` +
        `(product "${manifest?.product}", format ${manifest?.format}).`
    )
  }
  if (!Array.isArray(manifest.files) || !Array.isArray(manifest.migrations)) {
    throw invalidBackup(`The manifest ${path} has no list of files or migrations.`)
  }
  for (const entry of manifest.files) {
    if (typeof entry?.path !== 'string' || isAbsolute(entry.path) || entry.path.includes('..')) {
      throw invalidBackup(
        `The manifest ${path} lists the file path ${JSON.stringify(entry?.path)}, which leaves the backup folder.`
      )
    }
  }
  if (!manifest.files.some((entry) => entry.path === manifest.database?.file)) {
    throw invalidBackup(
      `The manifest ${path} does not list the database file ${JSON.stringify(manifest.database?.file)} with its checksum.`
    )
  }
  return manifest
}

/**
 * Checks that every file the manifest lists is in `folder` with its size
 * and checksum, calling `onFile` after each. The first difference raises
 * E_BACKUP_CHECKSUM_MISMATCH.
 */
export async function verifyFiles(
  folder: string,
  manifest: BackupManifest,
  onFile: (entry: BackupFileEntry) => void = () => {}
) {
  for (const entry of manifest.files) {
    const path = join(folder, entry.path)
    const size = await stat(path).then(
      (found) => found.size,
      () => null
    )
    if (size === null) {
      throw mismatch(`The backup file ${path} listed in the manifest is missing.`)
    }
    if (size !== entry.bytes) {
      throw mismatch(
        `The backup file ${path} has ${size} bytes, but the manifest expects ${entry.bytes}.`
      )
    }
    const sha256 = await sha256OfFile(path)
    if (sha256 !== entry.sha256) {
      throw mismatch(
        `The backup file ${path} has SHA-256 ${sha256}, but the manifest expects ${entry.sha256}.`
      )
    }
    onFile(entry)
  }
}

function invalidBackup(message: string) {
  return new BackupException(message, {
    code: 'E_BACKUP_INVALID',
    exitCode: BACKUP_EXIT_CODES.invalidBackup,
  })
}

function mismatch(message: string) {
  return new BackupException(
    `${message} The backup is damaged or incomplete: restore another backup, or copy this one again from where it is kept.`,
    { code: 'E_BACKUP_CHECKSUM_MISMATCH', exitCode: BACKUP_EXIT_CODES.invalidBackup }
  )
}
