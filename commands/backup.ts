import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { createBackup } from '#services/backup/create_backup'
import { readInstallSettings } from '#services/backup/install_settings'
import { reportFailure } from '#services/backup/report_failure'

/**
 * Backs up the database and the files folder while the product keeps
 * running. Exits 0 on success and 1 on failure (see BACKUP_EXIT_CODES).
 */
export default class BackupCommand extends BaseCommand {
  static commandName = 'backup'
  static description =
    'Back up the database and the files of STORAGE_PATH into a new folder named with the time'
  static options: CommandOptions = { startApp: true }

  @flags.string({
    description: 'Folder in which the backup folder is made (default: tmp/backups)',
  })
  declare to?: string

  async run() {
    const logger = await this.app.container.make('logger')
    try {
      const settings = await readInstallSettings(this.app)
      const { folder, manifest } = await createBackup(
        settings,
        this.to ?? this.app.tmpPath('backups'),
        logger
      )
      logger.info(
        { folder, version: manifest.version, database: manifest.database.kind },
        'backup finished'
      )
      logger.warn(
        'the backup does not contain APP_KEY, which decrypts channel credentials: keep a copy of APP_KEY apart from the backups, because a restore without it loses every connected number'
      )
    } catch (error) {
      this.exitCode = reportFailure(logger, error, 'backup failed')
    }
  }
}
