import { test } from '@japa/runner'
import { recipientLocale } from '#services/recipient_locale'

test.group('Recipient locale', () => {
  test('picks the chosen language first', ({ assert }) => {
    assert.equal(recipientLocale('en', 'pt-BR'), 'en')
    assert.equal(recipientLocale('pt-BR', 'en'), 'pt-BR')
  })

  test('falls back to the workspace language', ({ assert }) => {
    assert.equal(recipientLocale(null, 'pt-BR'), 'pt-BR')
    assert.equal(recipientLocale('klingon', 'pt-BR'), 'pt-BR')
  })

  test('falls back to the default locale', ({ assert }) => {
    assert.equal(recipientLocale(null, null), 'en')
    assert.equal(recipientLocale(null, 'klingon'), 'en')
  })
})
