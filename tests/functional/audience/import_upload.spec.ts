import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type User from '#models/user'
import { createAudienceTenant } from '#tests/helpers/audience'

/** A zip archive with one entry, the container format of an Excel workbook. */
const ZIP = Buffer.from(
  'UEsDBBQAAAAAAPQxhV3HHBc8CAAAAAgAAAATAAAAW0NvbnRlbnRfVHlwZXNdLnhtbDxUeXBlcy8+UEsBAhQDFAAAAAAA' +
    '9DGFXcccFzwIAAAACAAAABMAAAAAAAAAAAAAAIABAAAAAFtDb250ZW50X1R5cGVzXS54bWxQSwUGAAAAAAEAAQBBAAAA' +
    'OQAAAAAA',
  'base64'
)

async function switchLocale(user: User, locale: string) {
  user.locale = locale
  await user.save()
}

test.group('Contacts import upload', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('workbook names its extension in pt-BR', async ({ client, assert }) => {
    const { owner } = await createAudienceTenant()
    await switchLocale(owner, 'pt-BR')

    const response = await client
      .post('/contacts/imports')
      .file('file', ZIP, { filename: 'contatos.xlsx' })
      .accept('json')
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(422)
    const [error] = response.body().errors
    assert.equal(error.field, 'file')
    assert.include(error.message, '.xlsx')
    assert.include(error.message, 'Salve a planilha como CSV')
    assert.notInclude(error.message, 'zip')
  })

  test('workbook names its extension in en', async ({ client, assert }) => {
    const { owner } = await createAudienceTenant()

    const response = await client
      .post('/contacts/imports')
      .file('file', ZIP, { filename: 'people.XLSX' })
      .accept('json')
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(422)
    const [error] = response.body().errors
    assert.include(error.message, '.xlsx')
    assert.include(error.message, 'Save the spreadsheet as CSV')
  })

  test('csv file is accepted', async ({ client }) => {
    const { owner } = await createAudienceTenant()

    const response = await client
      .post('/contacts/imports')
      .file('file', Buffer.from('name,phone\nAna,+5511912340001\n'), { filename: 'people.csv' })
      .redirects(0)
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(302)
  })
})
