import { resolve } from 'node:path'
import { args, BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { BackupException } from '#services/backup/backup_exception'
import { readInstallSettings } from '#services/backup/install_settings'
import { reportFailure } from '#services/backup/report_failure'
import {
  checkBackup,
  ensureRolesStopped,
  ensureTargetReplaceable,
  restoreBackup,
} from '#services/backup/restore_backup'

/**
 * Restores a folder written by `node ace backup` into this install's
 * database and STORAGE_PATH, then runs the migrations this version adds.
 * Exit codes: 0 restored, 1 failed, 2 invalid or newer backup, 3 target
 * not empty without --force, 4 worker or channels process running.
 */
export default class RestoreCommand extends BaseCommand {
  static commandName = 'restore'
  static description =
    'Restore a backup folder into the database and STORAGE_PATH, then run pending migrations'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Backup folder written by "node ace backup"' })
  declare path: string

  @flags.boolean({
    description: 'Replace a database that has tenants and a files folder that has files',
  })
  declare force?: boolean

  async run() {
    const logger = await this.app.container.make('logger')
    try {
      const settings = await readInstallSettings(this.app)
      const folder = resolve(this.path)
      const manifest = await checkBackup(settings, folder, logger)
      logger.info(
        { folder, version: manifest.version, createdAt: manifest.createdAt },
        'backup verified'
      )

      await ensureRolesStopped(logger)
      const replaced = await ensureTargetReplaceable(settings, folder, this.force === true)
      if (replaced.tenants > 0 || replaced.files > 0) {
        logger.warn(replaced, 'replacing existing tenants and files (--force)')
      }

      await restoreBackup(settings, folder, manifest, logger)
      await this.#migrate()
      logger.info({ folder }, 'restore finished')
      logger.warn(
        'channel credentials decrypt only with the APP_KEY of the install that made the backup: set that APP_KEY before you start the roles'
      )
    } catch (error) {
      this.exitCode = reportFailure(logger, error, 'restore failed')
    }
  }

  /** Runs the migrations of this version that the backup did not have yet. */
  async #migrate() {
    const migrate = await this.kernel.exec('migration:run', ['--force'])
    if (migrate.exitCode !== 0) {
      throw new BackupException(
        'The database was restored, but its migrations failed: read the errors above, fix them and run "node ace migration:run --force".',
        { code: 'E_RESTORE_MIGRATIONS_FAILED' }
      )
    }
  }
}
