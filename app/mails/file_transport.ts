import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import logger from '@adonisjs/core/services/logger'
import { JSONTransport } from '@adonisjs/mail/transports/json'
import type { NodeMailerMessage } from '@adonisjs/mail/types'

/**
 * A mail transport that keeps mail on this machine. Every message is logged
 * by recipient and subject, and written as JSON into `directory` when one is
 * given, named after its message id.
 */
export class FileTransport extends JSONTransport {
  constructor(private directory: string | null) {
    super()
  }

  async send(message: NodeMailerMessage) {
    const response = await super.send(message)
    const to = [message.to]
      .flat()
      .map((entry) => (typeof entry === 'string' ? entry : entry?.address))
    logger.info({ to, subject: message.subject, messageId: response.messageId }, 'mail written')

    if (this.directory) {
      await mkdir(this.directory, { recursive: true })
      const fileName = `${Date.now()}-${response.messageId.replace(/[^\w.-]/g, '_')}.json`
      await writeFile(join(this.directory, fileName), response.original.message)
    }
    return response
  }
}
