import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'

/**
 * Reads the mail that the file transport wrote during tests.
 */
export function mailDirectory() {
  return process.env.MAIL_FILE_DIR ?? app.tmpPath('mail')
}

export interface StoredMail {
  to: { address: string }[]
  subject: string
  text: string
}

/**
 * Returns every stored message sent to `address`, oldest first.
 */
export async function mailsTo(address: string) {
  const directory = mailDirectory()
  const names = await readdir(directory).catch(() => [] as string[])
  const files = names.sort()
  const messages: StoredMail[] = []
  for (const file of files) {
    const mail = JSON.parse(await readFile(join(directory, file), 'utf8')) as StoredMail
    if (mail.to.some((entry) => entry.address === address)) {
      messages.push(mail)
    }
  }
  return messages
}

/**
 * Returns the first link of the latest mail sent to `address`.
 */
export async function latestLinkTo(address: string) {
  const messages = await mailsTo(address)
  const text = messages.at(-1)?.text ?? ''
  const link = text.match(/https?:\/\/\S+/)?.[0]
  if (!link) {
    throw new Error(`No mail with a link was sent to ${address}`)
  }
  return new URL(link)
}

export async function clearMailbox() {
  await rm(mailDirectory(), { recursive: true, force: true })
}
