import { test } from '@japa/runner'
import {
  itemLetter,
  MAX_SUMMARY_LENGTH,
  summarizeConfig,
  summarizeFieldValue,
} from '#flow/config_summary'

const templateNames = new Map([[7, 'Welcome']])

function summary(kind: string, value: unknown) {
  return summarizeFieldValue(
    { name: 'field', kind },
    value,
    (templateId) => templateNames.get(templateId),
    (key, values) => `${key} ${JSON.stringify(values)}`
  )
}

test.group('Node configuration summary', () => {
  test('{kind} field: {expected}')
    .with([
      { kind: 'template', value: { templateId: 7 }, expected: 'Welcome' },
      { kind: 'template', value: { templateId: 8 }, expected: '' },
      { kind: 'template', value: { text: 'Olá\n\n  {{name}}' }, expected: 'Olá {{name}}' },
      {
        kind: 'duration',
        value: { amount: 2, unit: 'hours' },
        expected: 'flow.fields.duration_value.hours {"amount":2}',
      },
      { kind: 'duration', value: { amount: 2, unit: 'weeks' }, expected: '' },
      { kind: 'time-window', value: { start: '08:00', end: '20:00' }, expected: '08:00–20:00' },
      { kind: 'time-window', value: { start: '08:00' }, expected: '08:00–?' },
      { kind: 'number', value: 3, expected: '3' },
      { kind: 'select', value: 'a', expected: '' },
      { kind: 'text', value: null, expected: '' },
    ])
    .run(({ assert }, { kind, value, expected }) => {
      assert.equal(summary(kind, value), expected)
    })

  test('long text cut with an ellipsis', ({ assert }) => {
    const text = summary('textarea', 'x'.repeat(200))
    assert.lengthOf(text, MAX_SUMMARY_LENGTH)
    assert.isTrue(text.endsWith('…'))
  })

  test('missing field gives no summary', ({ assert }) => {
    assert.equal(
      summarizeFieldValue(
        undefined,
        'x',
        () => undefined,
        (key) => key
      ),
      ''
    )
  })
})

const sources = {
  templateName: () => undefined,
  contactFieldLabel: (key: string) => ({ city: 'City', plan: 'Plan' })[key],
  contactListName: (listId: number) => (listId === 4 ? 'Buyers' : undefined),
}
const translate = (key: string, values?: Record<string, string | number>) =>
  key === 'more' ? `+${values?.count} more` : key

const ruleFields = [
  { name: 'field', kind: 'contact-field', summary: true },
  {
    name: 'operator',
    kind: 'select',
    summary: true,
    options: [
      { value: 'is', label: 'is' },
      { value: 'is_empty', label: 'is empty' },
    ],
  },
  { name: 'value', kind: 'text', summary: true, visibleWhen: { field: 'operator', in: ['is'] } },
]

test.group('Node configuration summary of marked fields', () => {
  test('first list item and a count', ({ assert }) => {
    const fields = [
      { name: 'match', kind: 'select', options: [{ value: 'all', label: 'All' }] },
      {
        name: 'rules',
        kind: 'list',
        summary: { items: 'first', more: 'more' } as const,
        itemFields: ruleFields,
      },
    ]
    const rules = [
      { field: 'city', operator: 'is', value: 'São Paulo' },
      { field: 'plan', operator: 'is_empty', value: 'stale' },
    ]
    assert.equal(
      summarizeConfig(fields, { match: 'all', rules }, sources, translate),
      'City is São Paulo · +1 more'
    )
    assert.equal(
      summarizeConfig(fields, { match: 'all', rules: rules.slice(1) }, sources, translate),
      'Plan is empty'
    )
  })

  test('every list item with a unit', ({ assert }) => {
    const fields = [
      {
        name: 'paths',
        kind: 'list',
        summary: true,
        itemFields: [
          { name: 'name', kind: 'text', summary: true },
          { name: 'percent', kind: 'number', unit: '%', summary: true },
        ],
      },
    ]
    const paths = [
      { name: 'A', percent: 30 },
      { name: 'B', percent: 70 },
    ]
    assert.equal(summarizeConfig(fields, { paths }, sources, translate), 'A 30 % · B 70 %')
  })

  test('empty item name falls back to its letter', ({ assert }) => {
    const fields = [
      {
        name: 'paths',
        kind: 'list',
        summary: true,
        itemFields: [
          { name: 'name', kind: 'text', summary: { fallback: 'item-letter' } as const },
          { name: 'percent', kind: 'number', unit: '%', summary: true },
        ],
      },
    ]
    const paths = [
      { name: 'Cupom', percent: 20 },
      { name: '', percent: 30 },
      { name: '  ', percent: 40 },
      { percent: 10 },
    ]
    assert.equal(
      summarizeConfig(fields, { paths }, sources, translate),
      'Cupom 20 % · B 30 % · C 40 % · D 10 %'
    )
  })

  test('item {position} is letter {letter}')
    .with([
      { position: 0, letter: 'A' },
      { position: 25, letter: 'Z' },
      { position: 26, letter: 'AA' },
      { position: 27, letter: 'AB' },
      { position: 701, letter: 'ZZ' },
      { position: 702, letter: 'AAA' },
    ])
    .run(({ assert }, { position, letter }) => {
      assert.equal(itemLetter(position), letter)
    })

  test('prefixes, separators and pickers', ({ assert }) => {
    const fields = [
      { name: 'add', kind: 'keywords', summary: { prefix: '+' } },
      { name: 'remove', kind: 'keywords', summary: { prefix: '−', separator: ' ' } },
      { name: 'field', kind: 'contact-field', summary: true },
      { name: 'list', kind: 'contact-list', summary: true },
    ]
    const config = { add: ['cliente'], remove: ['lead'], field: 'plan', list: 4 }
    assert.equal(
      summarizeConfig(fields, config, sources, translate),
      '+cliente −lead · Plan · Buyers'
    )
    assert.equal(
      summarizeConfig(
        fields,
        { add: [], remove: ['lead'], field: 'gone', list: 9 },
        sources,
        translate
      ),
      '−lead · gone'
    )
  })

  test('first field when none is marked', ({ assert }) => {
    const fields = [{ name: 'text', kind: 'text' }]
    assert.equal(summarizeConfig(fields, { text: 'Olá' }, sources, translate), 'Olá')
  })
})
