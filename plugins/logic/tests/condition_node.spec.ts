import { test } from '@japa/runner'
import i18nManager from '@adonisjs/i18n/services/main'
import { createNodeContext } from '#sdk/testing'
import { problemText } from '#flow/problem_text'
import { matchesRule, parseDate, parseNumber } from '../rule_matching.js'
import { conditionNode } from '../node_types/condition_node.js'

test.group('Logic rule matching', () => {
  test('text ignores case and accents', ({ assert }) => {
    assert.isTrue(matchesRule('São Paulo', { operator: 'is', value: 'sao paulo' }))
    assert.isTrue(matchesRule('SAO  PAULO ', { operator: 'is', value: 'São Paulo' }))
    assert.isTrue(matchesRule('Conceição', { operator: 'contains', value: 'CEICAO' }))
    assert.isFalse(matchesRule('São Paulo', { operator: 'is', value: 'São' }))
    assert.isTrue(matchesRule('Niterói', { operator: 'is_not', value: 'São Paulo' }))
  })

  test('empty values match only emptiness and negations', ({ assert }) => {
    for (const empty of [null, undefined, '', '   ', []]) {
      assert.isTrue(matchesRule(empty, { operator: 'is_empty', value: null }))
      assert.isFalse(matchesRule(empty, { operator: 'is_filled', value: null }))
      assert.isFalse(matchesRule(empty, { operator: 'is', value: 'x' }))
      assert.isFalse(matchesRule(empty, { operator: 'greater', value: '1' }))
      assert.isTrue(matchesRule(empty, { operator: 'is_not', value: 'x' }))
      assert.isTrue(matchesRule(empty, { operator: 'not_contains', value: 'x' }))
    }
  })

  test('numbers read in pt-BR and en', ({ assert }) => {
    assert.equal(parseNumber('1.234,56'), 1234.56)
    assert.equal(parseNumber('1,234.56'), 1234.56)
    assert.equal(parseNumber('10,5'), 10.5)
    assert.equal(parseNumber('R$ 99,90'), 99.9)
    assert.equal(parseNumber('-3'), -3)
    assert.isUndefined(parseNumber('dez'))
    assert.isUndefined(parseNumber(''))
    assert.isTrue(matchesRule(1500.5, { operator: 'greater', value: '1.500,00' }))
    assert.isFalse(matchesRule(1500, { operator: 'greater', value: '1.500,00' }))
    assert.isTrue(matchesRule(1500, { operator: 'is', value: '1.500,00' }))
    assert.isTrue(matchesRule(9.99, { operator: 'less', value: '10' }))
    assert.isFalse(matchesRule(10, { operator: 'less', value: 'ten' }))
  })

  test('dates compare day-first and ISO forms', ({ assert }) => {
    assert.equal(parseDate('31/12/2025'), '2025-12-31')
    assert.equal(parseDate('2025-12-31'), '2025-12-31')
    assert.equal(parseDate('1/2/2025'), '2025-02-01')
    assert.isUndefined(parseDate('31/02/2025'))
    assert.isTrue(matchesRule('2025-12-31', { operator: 'is', value: '31/12/2025' }))
    assert.isTrue(matchesRule('2025-12-31', { operator: 'greater', value: '30/12/2025' }))
    assert.isTrue(matchesRule('2025-01-02', { operator: 'less', value: '2025-10-01' }))
    assert.isFalse(matchesRule('2025-12-31', { operator: 'less', value: '01/01/2025' }))
  })

  test('booleans read yes and no words', ({ assert }) => {
    assert.isTrue(matchesRule(true, { operator: 'is', value: 'Sim' }))
    assert.isTrue(matchesRule(false, { operator: 'is', value: 'não' }))
    assert.isFalse(matchesRule(true, { operator: 'is', value: 'no' }))
    assert.isTrue(matchesRule(false, { operator: 'is_not', value: 'yes' }))
  })

  test('tags contain whole tag names', ({ assert }) => {
    const tags = ['Cliente VIP', 'promoção']
    assert.isTrue(matchesRule(tags, { operator: 'contains', value: 'cliente vip' }))
    assert.isTrue(matchesRule(tags, { operator: 'contains', value: 'PROMOCAO' }))
    assert.isFalse(matchesRule(tags, { operator: 'contains', value: 'VIP' }))
    assert.isTrue(matchesRule(tags, { operator: 'not_contains', value: 'lead' }))
  })
})

const CONTACT_FIELDS = new Map([
  ['name', 'text'],
  ['city', 'text'],
  ['tags', 'tags'],
  ['plan', 'choice'],
  ['spent', 'number'],
  ['birthday', 'date'],
  ['vip', 'boolean'],
] as const)

function validateRules(rules: Record<string, unknown>[]) {
  const config = { match: 'all' as const, rules: rules as never }
  return conditionNode.validate!(config, {
    knownVariables: new Set(),
    contactFields: new Map(CONTACT_FIELDS),
    customFields: new Map(),
    contactLists: new Map(),
  }).map((issue) => `${issue.field}:${issue.message}`)
}

test.group('Logic condition', () => {
  test('yes when all rules match', async ({ assert }) => {
    const config = {
      match: 'all' as const,
      rules: [
        { field: 'city', operator: 'is' as const, value: 'são paulo' },
        { field: 'spent', operator: 'greater' as const, value: '100' },
      ],
    }
    const fields = { city: 'São Paulo', spent: 150 }
    const { context } = createNodeContext({ config, contactFields: fields })
    assert.deepEqual(await conditionNode.execute(context), { kind: 'goto', port: 'yes' })

    const poorer = createNodeContext({ config, contactFields: { ...fields, spent: 90 } })
    assert.deepEqual(await conditionNode.execute(poorer.context), { kind: 'goto', port: 'no' })
  })

  test('version 1 custom field rule runs', async ({ assert }) => {
    const config = {
      match: 'all' as const,
      rules: [
        { field: 'custom', customField: 'spent', operator: 'greater' as const, value: '100' },
      ],
    }
    const richer = createNodeContext({ config, contactFields: { custom: 'x', spent: 150 } })
    assert.deepEqual(await conditionNode.execute(richer.context), { kind: 'goto', port: 'yes' })
    const poorer = createNodeContext({ config, contactFields: { spent: 90 } })
    assert.deepEqual(await conditionNode.execute(poorer.context), { kind: 'goto', port: 'no' })
  })

  test('upgrade moves the custom field key', ({ assert }) => {
    const upgraded = conditionNode.upgradeConfig!(
      {
        match: 'any',
        rules: [
          { field: 'custom', customField: ' plano ', operator: 'is', value: 'ouro' },
          { field: 'custom', customField: '', operator: 'is_empty', value: null },
          { field: 'city', customField: null, operator: 'is', value: 'Natal' },
          { field: 'email', operator: 'is_filled', value: null },
        ],
      },
      { contactLists: new Map() }
    )
    assert.deepEqual(upgraded, {
      match: 'any',
      rules: [
        { field: 'plano', operator: 'is', value: 'ouro' },
        { field: null, operator: 'is_empty', value: null },
        { field: 'city', operator: 'is', value: 'Natal' },
        { field: 'email', operator: 'is_filled', value: null },
      ],
    })
  })

  test('operator options follow field types', ({ assert }) => {
    const rules = conditionNode.fields.find((field) => field.name === 'rules')
    assert.equal(rules?.kind, 'list')
    const operator = rules?.kind === 'list' ? rules.itemFields[1] : undefined
    assert.equal(operator?.kind === 'select' ? operator.fieldTypeFrom : undefined, 'field')
    const options = operator?.kind === 'select' ? operator.options : []
    const typesOf = (value: string) => options.find((option) => option.value === value)?.fieldTypes
    assert.deepEqual(typesOf('greater'), ['number', 'date'])
    assert.deepEqual(typesOf('contains'), ['text', 'choice', 'tags'])
    assert.deepEqual(typesOf('is'), ['text', 'number', 'date', 'boolean', 'choice'])
  })

  test('yes when any rule matches', async ({ assert }) => {
    const config = {
      match: 'any' as const,
      rules: [
        { field: 'city' as const, operator: 'is' as const, value: 'Recife' },
        { field: 'tags' as const, operator: 'contains' as const, value: 'vip' },
      ],
    }
    const tagged = createNodeContext({ config, contactFields: { city: 'Natal', tags: ['VIP'] } })
    assert.deepEqual(await conditionNode.execute(tagged.context), { kind: 'goto', port: 'yes' })
    const neither = createNodeContext({ config, contactFields: { city: 'Natal', tags: [] } })
    assert.deepEqual(await conditionNode.execute(neither.context), { kind: 'goto', port: 'no' })
  })

  test('validation names the field at fault', ({ assert }) => {
    assert.deepEqual(
      validateRules([
        { field: 'plano', operator: 'is', value: 'gold' },
        { field: 'city', operator: 'is', value: '' },
        { field: 'city', operator: 'greater', value: '10' },
        { field: 'spent', operator: 'less', value: 'muito' },
        { field: 'birthday', operator: 'greater', value: '31/02/2025' },
        { field: 'tags', operator: 'is', value: 'vip' },
        { field: null, operator: 'is_empty', value: null },
      ]),
      [
        'rules.0.field:logic.issues.unknown_field',
        'rules.1.value:logic.issues.missing_value',
        'rules.2.operator:logic.issues.operator_text',
        'rules.3.value:logic.issues.invalid_number',
        'rules.4.value:logic.issues.invalid_date',
        'rules.5.operator:logic.issues.operator_tags',
        'rules.6.field:logic.issues.missing_field',
      ]
    )
  })

  test('problems name standard fields in Portuguese', ({ assert }) => {
    const config = {
      match: 'all' as const,
      rules: [
        { field: 'city', operator: 'greater', value: '10' },
        { field: 'name', operator: 'is', value: '' },
        { field: 'spent', operator: 'is', value: '' },
      ] as never,
    }
    const issues = conditionNode.validate!(config, {
      knownVariables: new Set(),
      contactFields: new Map(CONTACT_FIELDS),
      customFields: new Map(),
      contactLists: new Map(),
    })
    const i18n = i18nManager.locale('pt-BR')
    const translator = {
      translate: (key: string, values?: Record<string, string | number>) => i18n.t(key, values),
      has: (key: string) => i18n.hasMessage(key) || i18n.hasFallbackMessage(key),
    }
    const texts = issues.map((issue) =>
      problemText(
        { code: 'node_issue', nodeId: 'check', message: issue.message, values: issue.values ?? {} },
        translator
      )
    )

    assert.match(texts[0], /^“Cidade” é texto:/)
    assert.equal(texts[1], 'Digite o valor com que comparar “Nome”.')
    assert.equal(texts[2], 'Digite o valor com que comparar “spent”.')
  })

  test('validation accepts fitting rules', ({ assert }) => {
    assert.deepEqual(
      validateRules([
        { field: 'spent', operator: 'greater', value: '1.234,50' },
        { field: 'birthday', operator: 'less', value: '31/12/2000' },
        { field: 'vip', operator: 'is', value: 'sim' },
        { field: 'name', operator: 'is_filled', value: null },
        { field: 'plan', operator: 'contains', value: 'ouro' },
      ]),
      []
    )
  })
})
