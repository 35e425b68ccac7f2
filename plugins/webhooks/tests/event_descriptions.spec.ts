import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import { WEBHOOK_EVENTS } from '../validators.js'

async function descriptions(locale: string) {
  const url = new URL(`../lang/${locale}/webhooks.json`, import.meta.url)
  const messages = JSON.parse(await readFile(url, 'utf8'))
  return messages.event_descriptions as Record<string, string>
}

test.group('Webhook event descriptions', () => {
  test('every event described in {locale}')
    .with([{ locale: 'en' }, { locale: 'pt-BR' }])
    .run(async ({ assert }, { locale }) => {
      const described = await descriptions(locale)
      for (const event of WEBHOOK_EVENTS) {
        assert.isNotEmpty(described[event.replace(':', '_')] ?? '', `${event} has no description`)
      }
    })
})
