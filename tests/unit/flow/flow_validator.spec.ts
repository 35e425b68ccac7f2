import { test } from '@japa/runner'
import { defineNodeType, goTo, vine } from '#sdk'
import { NodeTypeRegistry } from '#flow/node_type_registry'
import { CORE_NODE_TYPES } from '#flow/node_types/core_node_types'
import { validateFlow, type FlowValidationContext } from '#flow/flow_validator'
import type { FlowEdge, FlowGraph, FlowNode } from '#flow/flow_graph'

/** A node type the way a plugin would write one, with its own check and a conditional pause. */
const checkerNode = defineNodeType({
  type: 'checker',
  version: 1,
  label: 'flow.test.checker',
  description: 'flow.test.checker',
  icon: 'check',
  category: 'logic',
  configSchema: vine.object({ code: vine.string(), pause: vine.boolean() }),
  defaults: { code: 'ok', pause: false },
  fields: [{ kind: 'text', name: 'code', label: 'flow.test.code' }],
  ports: [{ id: 'next', label: 'flow_nodes.ports.next' }],
  alwaysPauses: (config) => config.pause,
  validate: (config) =>
    config.code === 'ok'
      ? []
      : [{ field: 'code', message: 'checker.bad_code', values: { code: config.code } }],
  execute: () => goTo('next'),
})

const text = (value: string) => ({
  message: { templateId: null, text: value },
  media: null,
  instanceId: null,
})
const hour = { amount: 1, unit: 'hours' }

function node(
  id: string,
  type: string,
  config: Record<string, unknown> = {},
  extra: Partial<FlowNode> = {}
) {
  return { id, type, position: { x: 0, y: 0 }, config, ...extra }
}
function send(id: string, message = 'Hi {{name}}', extra: Partial<FlowNode> = {}) {
  return node(id, 'send', text(message), extra)
}
function wait(id: string) {
  return node(id, 'wait', { duration: hour })
}
function edge(source: string, sourcePort: string, target: string): FlowEdge {
  return { id: `${source}:${sourcePort}->${target}`, source, sourcePort, target }
}
const start = node('start', 'start')

interface Case {
  title: string
  graph: FlowGraph
  /** `code@nodeId` of every expected problem, in any order. */
  expected: string[]
}

const cases: Case[] = [
  {
    title: 'valid send, wait, send',
    graph: {
      nodes: [start, send('a'), wait('w'), send('b', 'Bye {{campaign.promo}}')],
      edges: [
        edge('start', 'next', 'a'),
        edge('a', 'sent', 'w'),
        edge('w', 'next', 'b'),
        edge('b', 'sent', 'w'),
      ],
    },
    expected: [],
  },
  {
    title: 'no entry node',
    graph: { nodes: [send('a')], edges: [] },
    expected: ['no_entry@null', 'unreachable@a'],
  },
  {
    title: 'entry without edge',
    graph: { nodes: [start, send('a')], edges: [edge('a', 'sent', 'a')] },
    expected: ['entry_unconnected@start', 'unreachable@a'],
  },
  {
    title: 'two entry nodes',
    graph: {
      nodes: [start, node('start2', 'start'), wait('w')],
      edges: [edge('start', 'next', 'w'), edge('start2', 'next', 'w'), edge('w', 'next', 'w')],
    },
    expected: ['multiple_entries@start2'],
  },
  {
    title: 'node nobody reaches',
    graph: {
      nodes: [start, wait('w'), send('lost')],
      edges: [edge('start', 'next', 'w'), edge('w', 'next', 'w'), edge('lost', 'sent', 'w')],
    },
    expected: ['unreachable@lost'],
  },
  {
    title: 'edge to a missing node',
    graph: {
      nodes: [start, send('a')],
      edges: [edge('start', 'next', 'a'), edge('a', 'sent', 'gone')],
    },
    expected: ['dangling_edge@a'],
  },
  {
    title: 'edge between missing nodes',
    graph: {
      nodes: [start, wait('w')],
      edges: [edge('start', 'next', 'w'), edge('w', 'next', 'w'), edge('x', 'next', 'y')],
    },
    expected: ['dangling_edge@null'],
  },
  {
    title: 'edge from a port the node lacks',
    graph: {
      nodes: [start, send('a'), wait('w')],
      edges: [
        edge('start', 'next', 'a'),
        edge('a', 'sent', 'w'),
        edge('a', 'maybe', 'w'),
        edge('w', 'next', 'w'),
      ],
    },
    expected: ['unknown_port@a'],
  },
  {
    title: 'edge back into the entry',
    graph: {
      nodes: [start, send('a')],
      edges: [edge('start', 'next', 'a'), edge('a', 'sent', 'start')],
    },
    expected: ['edge_into_entry@a'],
  },
  {
    title: 'port with two edges',
    graph: {
      nodes: [start, send('a'), wait('w1'), wait('w2')],
      edges: [
        edge('start', 'next', 'a'),
        edge('a', 'sent', 'w1'),
        edge('a', 'sent', 'w2'),
        edge('w1', 'next', 'w1'),
        edge('w2', 'next', 'w2'),
      ],
    },
    expected: ['port_has_several_edges@a'],
  },
  {
    title: 'required port left unconnected',
    graph: { nodes: [start, wait('w')], edges: [edge('start', 'next', 'w')] },
    expected: ['port_unconnected@w'],
  },
  {
    title: 'missing configuration',
    graph: {
      nodes: [start, node('a', 'send', { media: null, instanceId: null }), wait('w')],
      edges: [edge('start', 'next', 'a'), edge('a', 'sent', 'w'), edge('w', 'next', 'w')],
    },
    expected: ['config_missing@a'],
  },
  {
    title: 'invalid configuration',
    graph: {
      nodes: [start, node('w', 'wait', { duration: { amount: -3, unit: 'hours' } })],
      edges: [edge('start', 'next', 'w'), edge('w', 'next', 'w')],
    },
    expected: ['config_invalid@w', 'unbounded_loop@w'],
  },
  {
    title: 'invalid visit limit',
    graph: {
      nodes: [start, node('w', 'wait', { duration: hour }, { maxVisits: 0 })],
      edges: [edge('start', 'next', 'w'), edge('w', 'next', 'w')],
    },
    expected: ['max_visits_invalid@w'],
  },
  {
    title: 'unknown node type',
    graph: {
      nodes: [start, node('p', 'missing_plugin.step')],
      edges: [edge('start', 'next', 'p')],
    },
    expected: ['unknown_node_type@p'],
  },
  {
    title: 'duplicate node id',
    graph: {
      nodes: [start, wait('w'), wait('w')],
      edges: [edge('start', 'next', 'w'), edge('w', 'next', 'w')],
    },
    expected: ['duplicate_node@w'],
  },
  {
    title: 'saved template that is gone',
    graph: {
      nodes: [
        start,
        node('a', 'send', {
          message: { templateId: 99, text: null },
          media: null,
          instanceId: null,
        }),
        wait('w'),
      ],
      edges: [edge('start', 'next', 'a'), edge('a', 'sent', 'w'), edge('w', 'next', 'w')],
    },
    expected: ['template_missing@a'],
  },
  {
    title: 'unknown variable in inline text',
    graph: {
      nodes: [start, send('a', 'Hi {{cty}} and {{name}}'), wait('w')],
      edges: [edge('start', 'next', 'a'), edge('a', 'sent', 'w'), edge('w', 'next', 'w')],
    },
    expected: ['unknown_variable@a'],
  },
  {
    title: 'unknown variable in a saved template',
    graph: {
      nodes: [
        start,
        node('a', 'send', {
          message: { templateId: 8, text: null },
          media: null,
          instanceId: null,
        }),
        wait('w'),
      ],
      edges: [edge('start', 'next', 'a'), edge('a', 'sent', 'w'), edge('w', 'next', 'w')],
    },
    expected: ['unknown_variable@a'],
  },
  {
    title: 'unknown campaign variable',
    graph: {
      nodes: [start, send('a', 'Code {{campaign.coupon}}'), wait('w')],
      edges: [edge('start', 'next', 'a'), edge('a', 'sent', 'w'), edge('w', 'next', 'w')],
    },
    expected: ['unknown_campaign_variable@a'],
  },
  {
    title: 'unknown campaign variable with a fallback',
    graph: {
      nodes: [start, send('a', 'Until {{campaign.end_date|Sunday}}'), wait('w')],
      edges: [edge('start', 'next', 'a'), edge('a', 'sent', 'w'), edge('w', 'next', 'w')],
    },
    expected: [],
  },
  {
    title: 'unknown contact field with a fallback',
    graph: {
      nodes: [start, send('a', 'Hi {{cty|there}}'), wait('w')],
      edges: [edge('start', 'next', 'a'), edge('a', 'sent', 'w'), edge('w', 'next', 'w')],
    },
    expected: ['unknown_variable@a'],
  },
  {
    title: 'broken message syntax',
    graph: {
      nodes: [start, send('a', 'Hi {{name'), wait('w')],
      edges: [edge('start', 'next', 'a'), edge('a', 'sent', 'w'), edge('w', 'next', 'w')],
    },
    expected: ['message_syntax@a'],
  },
  {
    title: 'issue from the node type check',
    graph: {
      nodes: [start, node('c', 'checker', { code: 'nope', pause: true })],
      edges: [edge('start', 'next', 'c'), edge('c', 'next', 'c')],
    },
    expected: ['node_issue@c'],
  },
  {
    title: 'send failing into itself',
    graph: {
      nodes: [start, send('a'), wait('w')],
      edges: [
        edge('start', 'next', 'a'),
        edge('a', 'sent', 'w'),
        edge('a', 'failed', 'a'),
        edge('w', 'next', 'w'),
      ],
    },
    expected: ['unbounded_loop@a'],
  },
  {
    title: 'self loop with a visit limit',
    graph: {
      nodes: [start, send('a', 'Hi', { maxVisits: 3 }), wait('w')],
      edges: [
        edge('start', 'next', 'a'),
        edge('a', 'sent', 'w'),
        edge('a', 'failed', 'a'),
        edge('w', 'next', 'w'),
      ],
    },
    expected: [],
  },
  {
    title: 'loop through a node that may not pause',
    graph: {
      nodes: [
        start,
        send('a'),
        node('q', 'quiet_hours', {
          quiet: { days: [1, 2, 3, 4, 5, 6, 7], start: '21:00', end: '08:00' },
        }),
        node('c', 'checker', { code: 'ok', pause: false }),
        node('p', 'checker', { code: 'ok', pause: true }),
      ],
      edges: [
        edge('start', 'next', 'a'),
        edge('a', 'sent', 'p'),
        edge('a', 'failed', 'q'),
        edge('q', 'next', 'c'),
        edge('c', 'next', 'a'),
        edge('p', 'next', 'p'),
      ],
    },
    expected: ['unbounded_loop@a', 'unbounded_loop@q', 'unbounded_loop@c'],
  },
]

test.group('Flow validator', (group) => {
  let context: FlowValidationContext

  group.setup(async () => {
    const registry = new NodeTypeRegistry()
    for (const definition of [...CORE_NODE_TYPES, checkerNode]) {
      await registry.add(definition as never, null)
    }
    context = {
      registry,
      knownVariables: new Set(['name', 'city', 'campaign.promo']),
      templateVariables: new Map([
        [7, ['name']],
        [8, ['name', 'cpf']],
      ]),
    }
  })

  for (const entry of cases) {
    test(entry.title, async ({ assert }) => {
      const { problems } = await validateFlow(entry.graph, context)
      const found = problems.map((item) => `${item.code}@${item.nodeId}`)
      assert.sameMembers(found, entry.expected)
      for (const item of problems) {
        assert.equal(
          item.message,
          item.code === 'node_issue' ? 'checker.bad_code' : `flow.problems.${item.code}`
        )
      }
    })
  }

  test('names the unknown variable', async ({ assert }) => {
    const { problems } = await validateFlow(cases[17].graph, context)
    assert.deepEqual(problems[0].values, { name: 'cty' })
    assert.equal(problems[0].field, 'message')
  })

  test('names the field of invalid configuration', async ({ assert }) => {
    const { problems } = await validateFlow(cases[12].graph, context)
    const invalid = problems.find((item) => item.code === 'config_invalid')!
    assert.equal(invalid.field, 'duration.amount')
    assert.equal(invalid.values.fieldKey, 'flow_nodes.wait.fields.duration')
  })

  test('branch answers must lead somewhere', async ({ assert }) => {
    const branch = node('b', 'branch_on_reply', {
      timeout: { amount: 1, unit: 'hours' },
      rules: [
        { id: 'sim', name: 'SIM', match: 'keywords', keywords: ['sim'], pattern: null },
        { id: 'nao', name: 'NÃO', match: 'keywords', keywords: ['não'], pattern: null },
      ],
    })
    const graph = {
      nodes: [start, branch, send('a')],
      edges: [edge('start', 'next', 'b'), edge('b', 'sim', 'a')],
    }
    const { problems } = await validateFlow(graph, context)
    const unconnected = problems.filter((item) => item.code === 'port_unconnected')
    assert.lengthOf(unconnected, 1)
    assert.equal(unconnected[0].nodeId, 'b')
    assert.equal(unconnected[0].values.port, 'nao')
    assert.equal(unconnected[0].values.portText, 'NÃO')

    // "Any other reply" and "no reply" may end the journey.
    graph.edges.push(edge('b', 'nao', 'a'))
    const connected = await validateFlow(graph, context)
    assert.deepEqual(connected.problems, [])
  })

  test('a new send step needs its message', async ({ assert }) => {
    const entry = context.registry.getOrFail('send')
    const fresh = node('a', 'send', structuredClone(entry.definition.defaults) as never)
    const { problems } = await validateFlow(
      { nodes: [start, fresh], edges: [edge('start', 'next', 'a')] },
      context
    )
    assert.lengthOf(problems, 1)
    assert.equal(problems[0].code, 'node_issue')
    assert.equal(problems[0].nodeId, 'a')
    assert.equal(problems[0].message, 'flow_nodes.issues.example_text')
  })

  test('reports ports of a half-configured branch', async ({ assert }) => {
    const branch = node('b', 'branch_on_reply', {
      timeout: { amount: 0, unit: 'hours' },
      rules: [{ id: 'sim', name: 'SIM', match: 'keywords', keywords: ['sim'], pattern: null }],
    })
    const { problems, ports } = await validateFlow(
      { nodes: [start, branch], edges: [edge('start', 'next', 'b'), edge('b', 'sim', 'b')] },
      context
    )
    assert.deepEqual(
      ports.get('b')!.map((port) => port.id),
      ['sim', 'any', 'no_reply']
    )
    assert.notInclude(
      problems.map((item) => item.code),
      'unknown_port'
    )
  })
})
