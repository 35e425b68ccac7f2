import type { Logger } from '@adonisjs/core/logger'
import { BackupException, BACKUP_EXIT_CODES } from '#services/backup/backup_exception'

/**
 * Logs why a backup or restore failed and returns the exit code. A
 * BackupException's message is the whole explanation, so its stack is left
 * out; any other error is logged with its stack.
 */
export function reportFailure(logger: Logger, error: unknown, message: string) {
  if (error instanceof BackupException) {
    logger.error({ code: error.code }, error.message)
    return error.exitCode
  }
  logger.error({ err: error }, message)
  return BACKUP_EXIT_CODES.failed
}
