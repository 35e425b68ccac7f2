import { test } from '@japa/runner'
import { summarizeConfig, type SummarizedField } from '#flow/config_summary'
import { translateFields } from '#flow/palette'
import type { NodeTypeDefinition } from '#sdk'
import { conditionNode } from '../node_types/condition_node.js'
import { splitNode } from '../node_types/split_node.js'

const MESSAGES: Record<string, string> = {
  'logic.operators.is': 'is',
  'logic.nodes.split.fields.percent_unit': '%',
}

function translate(key: string, values?: Record<string, string | number>) {
  if (key === 'logic.nodes.condition.summary_more') {
    return `+${values?.count} rule(s)`
  }
  return MESSAGES[key] ?? key
}

function summaryOf(definition: NodeTypeDefinition<any>, config: Record<string, unknown>) {
  const fields = translateFields(definition.fields, translate) as unknown as SummarizedField[]
  return summarizeConfig(
    fields,
    config,
    {
      templateName: () => undefined,
      contactFieldLabel: (key) => (key === 'city' ? 'City' : undefined),
      contactListName: () => undefined,
    },
    translate
  )
}

test.group('Logic summaries', () => {
  test('condition shows its first rule', ({ assert }) => {
    const config = {
      match: 'all',
      rules: [
        { field: 'city', operator: 'is', value: 'São Paulo' },
        { field: 'plan', operator: 'is', value: 'ouro' },
      ],
    }
    assert.equal(summaryOf(conditionNode, config), 'City is São Paulo · +1 rule(s)')
  })

  test('split shows every path', ({ assert }) => {
    const config = {
      paths: [
        { id: 'a', name: 'A', percent: 30 },
        { id: 'b', name: 'B', percent: 70 },
      ],
    }
    assert.equal(summaryOf(splitNode, config), 'A 30 % · B 70 %')
  })

  test('split names unnamed paths by letter', ({ assert }) => {
    const config = {
      paths: [
        { id: 'a', name: 'Cupom', percent: 30 },
        { id: 'b', name: null, percent: 30 },
        { id: 'c', name: '', percent: 40 },
      ],
    }
    assert.equal(summaryOf(splitNode, config), 'Cupom 30 % · B 30 % · C 40 %')
  })
})
