import { test } from '@japa/runner'
import vine from '@vinejs/vine'
import { displayName } from '#validators/display_names'

const validator = vine.compile(vine.object({ name: displayName() }))

test.group('Display names', () => {
  test('rejects a name of invisible characters', async ({ assert }) => {
    await assert.rejects(() => validator.validate({ name: '\u200B\u200B' }))
    await assert.rejects(() => validator.validate({ name: ' \u2066\u2069 ' }))
  })

  test('drops direction overrides', async ({ assert }) => {
    const { name } = await validator.validate({ name: '\u202Egnp.exe' })
    assert.equal(name, 'gnp.exe')
  })

  test('keeps accents and spaces inside', async ({ assert }) => {
    const { name } = await validator.validate({ name: '  Loja São João  ' })
    assert.equal(name, 'Loja São João')
  })
})
