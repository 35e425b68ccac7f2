import { Exception } from '@adonisjs/core/exceptions'

/**
 * Exit codes of `node ace backup` and `node ace restore`, for scripts.
 */
export const BACKUP_EXIT_CODES = {
  /** Anything else: a dump that failed, a disk that filled up, a bad setting. */
  failed: 1,
  /** The backup is incomplete, altered or from a newer version. */
  invalidBackup: 2,
  /** The target database or files folder has data and --force was not given. */
  targetNotEmpty: 3,
  /** A worker or channels process of this install is running. */
  rolesRunning: 4,
} as const

/**
 * A failure of a backup or a restore whose message names the value and the
 * next step. `exitCode` is what the command exits with.
 */
export class BackupException extends Exception {
  constructor(message: string, options: { code: string; exitCode?: number }) {
    super(message, { code: options.code })
    this.exitCode = options.exitCode ?? BACKUP_EXIT_CODES.failed
  }

  readonly exitCode: number
}
