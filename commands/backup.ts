import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { createBackup } from '#services/backup/create_backup'
import { readInstallSettings } from '#services/backup/install_settings'
import { reportFailure } from '#services/backup/report_failure'
import { parseKeepCount, pruneBackups } from '#services/backup/backup_rotation'

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

  @flags.number({
    description:
      'Number of backups to keep in that folder: once this one is complete, older ones beyond it are deleted (default: keep all)',
  })
  declare keep?: number

  async run() {
    const logger = await this.app.container.make('logger')
    try {
      const keep = parseKeepCount(this.keep)
      const settings = await readInstallSettings(this.app)
      const parent = this.to ?? this.app.tmpPath('backups')
      const { folder, manifest } = await createBackup(settings, parent, logger)
      logger.info(
        { folder, version: manifest.version, database: manifest.database.kind },
        'backup finished'
      )
      if (keep !== null) {
        await pruneBackups(parent, keep, logger)
      }
      logger.warn(
        'the backup does not contain APP_KEY, which decrypts channel credentials: keep a copy of APP_KEY apart from the backups, because a restore without it loses every connected number'
      )
    } catch (error) {
      this.exitCode = reportFailure(logger, error, 'backup failed')
    }
  }
}
