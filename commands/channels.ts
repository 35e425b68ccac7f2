import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { startRoles } from '#processes/process_roles'

/**
 * Runs the channels role: the live sessions of channel instances, such as one
 * WhatsApp socket per number. SIGTERM closes them and exits 0.
 */
export default class ChannelsCommand extends BaseCommand {
  static commandName = 'channels'
  static description = 'Run live channel sessions, one owner process per instance'
  static options: CommandOptions = { startApp: true, staysAlive: true }

  async run() {
    await startRoles(this.app, ['channels'])
  }
}
