import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, transports } from '@adonisjs/mail'
import { FileTransport } from '#mails/file_transport'

/**
 * `log` and `file` keep mail on this machine for development and tests: both
 * log each message, and `file` also writes it as JSON under MAIL_FILE_DIR
 * (default tmp/mail). `smtp` sends through SMTP_HOST.
 */
const mailConfig = defineConfig({
  default: env.get('MAIL_TRANSPORT') ?? 'file',
  from: env.get('MAIL_FROM') ?? 'Disparador <no-reply@disparador.local>',
  mailers: {
    log: () => new FileTransport(null),
    file: () => new FileTransport(env.get('MAIL_FILE_DIR') ?? app.tmpPath('mail')),
    smtp: transports.smtp({
      host: env.get('SMTP_HOST') ?? '127.0.0.1',
      port: env.get('SMTP_PORT') ?? 587,
      auth: env.get('SMTP_USERNAME')
        ? {
            type: 'login',
            user: env.get('SMTP_USERNAME')!,
            pass: env.get('SMTP_PASSWORD') ?? '',
          }
        : undefined,
    }),
  },
})

export default mailConfig

declare module '@adonisjs/mail/types' {
  export interface MailersList extends InferMailers<typeof mailConfig> {}
}
