import { test } from '@japa/runner'
import { sortByLabel } from '../../resources/js/lib/name_order.js'

const CONTACTS = [
  { id: 1, name: 'Zé Carlos' },
  { id: 2, name: 'Érica' },
  { id: 3, name: 'Ícaro' },
  { id: 4, name: null },
  { id: 5, name: 'ana' },
  { id: 6, name: 'Otávio' },
  { id: 7, name: 'Erica' },
  { id: 8, name: 'Bruno' },
]

test.group('Name order', () => {
  for (const locale of ['en', 'pt-BR']) {
    test(`accents and case ignored in ${locale}`, ({ assert }) => {
      const names = sortByLabel(CONTACTS, locale, (contact) => contact.name).map(
        (contact) => contact.name
      )
      assert.deepEqual(names, [
        'ana',
        'Bruno',
        'Erica',
        'Érica',
        'Ícaro',
        'Otávio',
        'Zé Carlos',
        null,
      ])
    })
  }

  test('given items left unsorted', ({ assert }) => {
    const given = [{ name: 'Zé' }, { name: 'Ana' }]
    sortByLabel(given, 'en', (item) => item.name)
    assert.deepEqual(given, [{ name: 'Zé' }, { name: 'Ana' }])
  })
})
