import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { startRoles } from '#processes/process_roles'

/**
 * Runs the worker role: every BullMQ queue with registered jobs. Any number
 * of worker processes may run against one Redis and one database. SIGTERM
 * stops taking jobs, lets running ones finish within SHUTDOWN_TIMEOUT_MS
 * (default 30 s), closes connections and exits 0.
 */
export default class WorkerCommand extends BaseCommand {
  static commandName = 'worker'
  static description =
    'Run background jobs: enrollment, journey steps, inbound, webhooks, maintenance'
  static options: CommandOptions = { startApp: true, staysAlive: true }

  @flags.array({
    description: 'Modules to import before the worker starts, such as extra job definitions',
  })
  declare preload?: string[]

  async run() {
    for (const module of this.preload ?? []) {
      await import(this.app.makeURL(module).href)
    }
    await startRoles(this.app, ['worker'])
  }
}
