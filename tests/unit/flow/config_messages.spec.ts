import { test } from '@japa/runner'
import i18nManager from '@adonisjs/i18n/services/main'
import { defineNodeType, goTo, vine } from '#sdk'
import { NodeTypeRegistry } from '#flow/node_type_registry'
import { CORE_NODE_TYPES } from '#flow/node_types/core_node_types'
import { validateFlow, type FlowValidationContext } from '#flow/flow_validator'
import { problemText, type ProblemTranslator } from '#flow/problem_text'
import type { FlowEdge, FlowNode } from '#flow/flow_graph'
import type { FlowProblem } from '#flow/flow_problems'

/** A rule the way a plugin writes one, with an English message and its values as meta. */
const productCode = vine.createRule((value, _, field) => {
  if (typeof value === 'string' && !/^[A-Z]{2}-\d+$/.test(value)) {
    field.report('Write the product code like AB-12', 'code', field, { example: 'AB-12' })
  }
})

/** A plugin's node type written before `NodeIssue.text` existed, and one issue that uses it. */
const stockNode = defineNodeType({
  type: 'acme.stock',
  version: 1,
  label: 'acme.stock.label',
  description: 'acme.stock.description',
  icon: 'box',
  category: 'integration',
  configSchema: vine.object({ product: vine.string().use(productCode()), minimum: vine.number() }),
  defaults: { product: 'AB-1', minimum: 1 },
  fields: [
    { kind: 'text', name: 'product', label: 'acme.stock.product' },
    { kind: 'number', name: 'minimum', label: 'acme.stock.minimum' },
  ],
  ports: [{ id: 'next', label: 'flow_nodes.ports.next', required: true }],
  validate(config) {
    if (config.minimum > 100) {
      return [
        {
          field: 'minimum',
          message: 'acme.issues.minimum_too_high',
          values: { minimum: config.minimum, max: 100 },
          text: 'A minimum of {minimum} is above the {max} items a shelf holds: lower it',
        },
      ]
    }
    return config.minimum < 0 ? [{ field: 'minimum', message: 'acme.issues.negative' }] : []
  },
  execute: () => goTo('next'),
})

function node(id: string, type: string, config: Record<string, unknown>): FlowNode {
  return { id, type, position: { x: 0, y: 0 }, config }
}

function edge(source: string, sourcePort: string, target: string): FlowEdge {
  return { id: `${source}:${sourcePort}->${target}`, source, sourcePort, target }
}

const start = node('start', 'start', {})
const wait = node('w', 'wait', { duration: { amount: 1, unit: 'hours' } })

/** Builds a translator of the real translation files in one language, as a request has it. */
function translatorFor(locale: string): ProblemTranslator {
  const i18n = i18nManager.locale(locale)
  return {
    translate: (key, values) => i18n.t(key, values),
    has: (key) => i18n.hasMessage(key) || i18n.hasFallbackMessage(key),
  }
}

test.group('Flow configuration messages', (group) => {
  let context: FlowValidationContext

  group.setup(async () => {
    const registry = new NodeTypeRegistry()
    for (const definition of CORE_NODE_TYPES) {
      await registry.add(definition as never, null)
    }
    await registry.add(stockNode as never, 'acme')
    context = { registry, knownVariables: new Set(['name']), templateVariables: new Map() }
  })

  /** Validates one node after the entry, ending in a wait so no other problem shows. */
  async function problemsOf(subject: FlowNode, port = 'next') {
    const graph = {
      nodes: [start, subject, wait],
      edges: [
        edge('start', 'next', subject.id),
        edge(subject.id, port, 'w'),
        edge('w', 'next', 'w'),
      ],
    }
    const { problems } = await validateFlow(graph, context)
    return problems
  }

  function words(problems: FlowProblem[], locale: string) {
    return problems.map((problem) => problemText(problem, translatorFor(locale)))
  }

  test('send without text in Portuguese', async ({ assert }) => {
    const empty = node('a', 'send', {
      message: { templateId: null, text: '' },
      media: null,
      instanceId: null,
    })
    const problems = await problemsOf(empty, 'sent')
    assert.deepEqual(words(problems, 'pt-BR'), [
      '“Mensagem” não é válido: escolha um modelo salvo ou escreva um texto.',
    ])
    assert.deepEqual(words(problems, 'en'), [
      '“Message” is not valid: pick a saved template or write a text.',
    ])
  })

  test('slow pattern names its field and value', async ({ assert }) => {
    const branch = node('b', 'branch_on_reply', {
      timeout: { amount: 1, unit: 'hours' },
      rules: [{ id: 'x', name: 'X', match: 'pattern', keywords: [], pattern: '(a+)+$' }],
    })
    const problems = await problemsOf(branch, 'x')
    assert.lengthOf(problems, 1)
    assert.equal(problems[0].field, 'rules.0.pattern')
    assert.equal(problems[0].values.value, '(a+)+$')
    assert.equal(problems[0].values.ruleKey, 'flow.rules.pattern_slow')
    const [text] = words(problems, 'pt-BR')
    assert.isTrue(text.startsWith('“Expressão regular” não pode ser (a+)+$: '), text)
    assert.include(text, 'escreva-a sem a repetição interna')
  })

  test('rule without keywords names the keywords', async ({ assert }) => {
    const branch = node('b', 'branch_on_reply', {
      timeout: { amount: 1, unit: 'hours' },
      rules: [{ id: 'x', name: 'X', match: 'keywords', keywords: [], pattern: null }],
    })
    const problems = await problemsOf(branch, 'x')
    assert.deepEqual(words(problems, 'pt-BR'), [
      '“Palavras-chave” não é válido: adicione pelo menos uma palavra-chave.',
    ])
  })

  test('long wait gives the maximum', async ({ assert }) => {
    const long = node('l', 'wait', { duration: { amount: 400, unit: 'days' } })
    const problems = await problemsOf(long)
    assert.deepEqual(words(problems, 'pt-BR'), [
      '“Aguardar por” não é válido: o tempo máximo permitido é 365 dias, então escolha um tempo menor.',
    ])
    assert.deepEqual(words(problems, 'en'), [
      '“Wait for” is not valid: the longest time allowed is 365 days, so choose a shorter time.',
    ])
  })

  test('zero amount shows the value', async ({ assert }) => {
    const zero = node('z', 'wait', { duration: { amount: 0, unit: 'hours' } })
    const problems = await problemsOf(zero)
    assert.deepEqual(words(problems, 'pt-BR'), [
      '“Aguardar por” não pode ser 0: deve ser maior que zero.',
    ])
  })

  test('plugin rule falls back to its English message', async ({ assert }) => {
    const stock = node('s', 'acme.stock', { product: 'bolt', minimum: 1 })
    const problems = await problemsOf(stock)
    assert.lengthOf(problems, 1)
    assert.equal(problems[0].values.pluginRuleKey, 'acme.rules.code')
    assert.equal(problems[0].values.example, 'AB-12')
    assert.deepEqual(words(problems, 'pt-BR'), ['Write the product code like AB-12'])
  })

  test('plugin vine rule uses the core translation', async ({ assert }) => {
    const stock = node('s', 'acme.stock', { product: 'AB-1', minimum: 'many' })
    const problems = await problemsOf(stock)
    assert.deepEqual(words(problems, 'pt-BR'), ['“minimum” não pode ser many: deve ser um número.'])
  })

  test('issue text shows without translation', async ({ assert }) => {
    const stock = node('s', 'acme.stock', { product: 'AB-1', minimum: 150 })
    const problems = await problemsOf(stock)
    assert.lengthOf(problems, 1)
    assert.equal(problems[0].code, 'node_issue')
    assert.equal(problems[0].message, 'acme.issues.minimum_too_high')
    assert.deepEqual(words(problems, 'pt-BR'), [
      'A minimum of 150 is above the 100 items a shelf holds: lower it',
    ])
  })

  test('issue without text shows its key', async ({ assert }) => {
    const stock = node('s', 'acme.stock', { product: 'AB-1', minimum: -1 })
    const problems = await problemsOf(stock)
    assert.notProperty(problems[0], 'text')
    assert.deepEqual(words(problems, 'pt-BR'), ['acme.issues.negative'])
  })

  test('Portuguese example text blocks publishing', async ({ assert }) => {
    const send = context.registry.getOrFail('send').definition
    const translate = (key: string) => i18nManager.locale('pt-BR').t(key)
    const config = send.localizedDefaults!(translate) as Record<string, any>
    assert.equal(config.message.text, 'Escreva sua mensagem aqui')

    const problems = await problemsOf(node('a', 'send', config), 'sent')
    assert.deepEqual(
      problems.map((problem) => problem.message),
      ['flow_nodes.issues.example_text']
    )
    assert.deepEqual(words(problems, 'pt-BR'), [
      'Troque o texto de exemplo pela sua mensagem ou escolha um modelo',
    ])
  })
})
