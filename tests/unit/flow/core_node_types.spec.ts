import { test } from '@japa/runner'
import type { NodeDecision } from '#sdk'
import { createNodeContext, replyResume } from '#plugins/testing/node_context'
import i18nManager from '@adonisjs/i18n/services/main'
import { NodeTypeRegistry, nodeTypes } from '#flow/node_type_registry'
import { registerCoreNodeTypes } from '#flow/node_types/core_node_types'
import { sendNode } from '#flow/node_types/send_node'
import { waitNode } from '#flow/node_types/wait_node'
import { waitWindowNode } from '#flow/node_types/wait_window_node'
import { quietHoursNode } from '#flow/node_types/quiet_hours_node'
import { branchOnReplyNode } from '#flow/node_types/branch_on_reply_node'
import { slowPatternReason } from '#flow/reply_matching'

function untilOf(decision: NodeDecision) {
  if (decision.kind !== 'wait' && decision.kind !== 'await_reply') {
    throw new Error(`expected a wait decision, got ${decision.kind}`)
  }
  return decision.until.toUTC().toISO()
}

const weekdays = [1, 2, 3, 4, 5, 6, 7] as (1 | 2 | 3 | 4 | 5 | 6 | 7)[]

test.group('Quiet hours node', () => {
  const config = { quiet: { days: weekdays, start: '21:00', end: '08:00' } }

  test('holds Sao Paulo until 08:00 local', async ({ assert }) => {
    const { context } = createNodeContext({
      config,
      now: '2025-03-11T00:30:00Z',
      timeZone: 'America/Sao_Paulo',
    })
    const decision = await quietHoursNode.execute(context)
    assert.equal(decision.kind, 'wait')
    assert.equal(untilOf(decision), '2025-03-11T11:00:00.000Z')
  })

  test('lets Manaus go at 20:30 local', async ({ assert }) => {
    const { context } = createNodeContext({
      config,
      now: '2025-03-11T00:30:00Z',
      timeZone: 'America/Manaus',
    })
    assert.deepEqual(await quietHoursNode.execute(context), { kind: 'goto', port: 'next' })
  })

  test('holds after midnight until morning', async ({ assert }) => {
    const { context } = createNodeContext({
      config,
      now: '2025-06-10T05:00:00Z',
      timeZone: 'America/Sao_Paulo',
    })
    assert.equal(untilOf(await quietHoursNode.execute(context)), '2025-06-10T11:00:00.000Z')
  })

  test('ends at local 08:00 across spring forward', async ({ assert }) => {
    // 2025-03-09 in New York: 02:00 EST jumps to 03:00 EDT, so 08:00 is 12:00 UTC.
    const { context } = createNodeContext({
      config,
      now: '2025-03-09T04:00:00Z',
      timeZone: 'America/New_York',
    })
    assert.equal(untilOf(await quietHoursNode.execute(context)), '2025-03-09T12:00:00.000Z')
  })

  test('ends at local 08:00 across fall back', async ({ assert }) => {
    // 2025-11-02 in New York: 02:00 EDT goes back to 01:00 EST, so 08:00 is 13:00 UTC.
    const { context } = createNodeContext({
      config,
      now: '2025-11-02T04:30:00Z',
      timeZone: 'America/New_York',
    })
    assert.equal(untilOf(await quietHoursNode.execute(context)), '2025-11-02T13:00:00.000Z')
  })

  test('respects the days it begins on', async ({ assert }) => {
    // Quiet period begins only on Fridays; 2025-03-12 is a Wednesday.
    const fridays = { quiet: { days: [5] as 5[], start: '21:00', end: '08:00' } }
    const { context } = createNodeContext({
      config: fridays,
      now: '2025-03-13T00:30:00Z',
      timeZone: 'America/Sao_Paulo',
    })
    assert.deepEqual(await quietHoursNode.execute(context), { kind: 'goto', port: 'next' })
  })

  test('is exclusive at its end', async ({ assert }) => {
    const { context } = createNodeContext({
      config,
      now: '2025-03-11T11:00:00Z',
      timeZone: 'America/Sao_Paulo',
    })
    assert.deepEqual(await quietHoursNode.execute(context), { kind: 'goto', port: 'next' })
  })
})

test.group('Wait window node', () => {
  test('continues at once inside the window', async ({ assert }) => {
    const config = { window: { days: weekdays, start: '09:00', end: '18:00' } }
    const { context } = createNodeContext({
      config,
      now: '2025-03-10T15:00:00Z',
      timeZone: 'America/Sao_Paulo',
    })
    assert.deepEqual(await waitWindowNode.execute(context), { kind: 'goto', port: 'next' })
  })

  test('waits for the next opening', async ({ assert }) => {
    const config = { window: { days: weekdays, start: '09:00', end: '18:00' } }
    const { context } = createNodeContext({
      config,
      now: '2025-03-10T22:00:00Z',
      timeZone: 'America/Sao_Paulo',
    })
    assert.equal(untilOf(await waitWindowNode.execute(context)), '2025-03-11T12:00:00.000Z')
  })

  test('opening in a DST gap moves to the gap end', async ({ assert }) => {
    // 02:30 does not exist in New York on 2025-03-09; the clock reaches it at 03:00 EDT.
    const config = { window: { days: weekdays, start: '02:30', end: '05:00' } }
    const { context } = createNodeContext({
      config,
      now: '2025-03-09T05:00:00Z',
      timeZone: 'America/New_York',
    })
    assert.equal(untilOf(await waitWindowNode.execute(context)), '2025-03-09T07:00:00.000Z')
  })

  test('opening in a repeated hour takes the first', async ({ assert }) => {
    // 01:30 happens twice in New York on 2025-11-02: first at 05:30 UTC (EDT).
    const config = { window: { days: weekdays, start: '01:30', end: '04:00' } }
    const { context } = createNodeContext({
      config,
      now: '2025-11-02T03:00:00Z',
      timeZone: 'America/New_York',
    })
    assert.equal(untilOf(await waitWindowNode.execute(context)), '2025-11-02T05:30:00.000Z')
  })

  test('skips days the window does not open', async ({ assert }) => {
    // Mondays only; 2025-03-11 is a Tuesday, so the next opening is Monday 2025-03-17.
    const config = { window: { days: [1] as 1[], start: '10:00', end: '12:00' } }
    const { context } = createNodeContext({ config, now: '2025-03-11T15:00:00Z', timeZone: 'UTC' })
    assert.equal(untilOf(await waitWindowNode.execute(context)), '2025-03-17T10:00:00.000Z')
  })

  test('window across midnight is open after midnight', async ({ assert }) => {
    const config = { window: { days: [1] as 1[], start: '22:00', end: '02:00' } }
    // Tuesday 01:00 local belongs to Monday's opening.
    const { context } = createNodeContext({ config, now: '2025-03-11T01:00:00Z', timeZone: 'UTC' })
    assert.deepEqual(await waitWindowNode.execute(context), { kind: 'goto', port: 'next' })
  })
})

test.group('Wait node', () => {
  test('waits elapsed hours', async ({ assert }) => {
    const { context } = createNodeContext({
      config: { duration: { amount: 3, unit: 'hours' as const } },
      now: '2025-03-09T05:00:00Z',
      timeZone: 'America/New_York',
    })
    assert.equal(untilOf(await waitNode.execute(context)), '2025-03-09T08:00:00.000Z')
  })

  test('a day keeps the local time across DST', async ({ assert }) => {
    // 09:00 EST on 2025-03-08 is 14:00 UTC; 09:00 EDT the next day is 13:00 UTC.
    const { context } = createNodeContext({
      config: { duration: { amount: 1, unit: 'days' as const } },
      now: '2025-03-08T14:00:00Z',
      timeZone: 'America/New_York',
    })
    const decision = await waitNode.execute(context)
    assert.equal(untilOf(decision), '2025-03-09T13:00:00.000Z')
    assert.equal(decision.kind === 'wait' && decision.port, 'next')
  })
})

test.group('Send node', () => {
  test('requests a send and follows sent', async ({ assert }) => {
    const config = {
      message: { templateId: null, text: 'Hi {{name}}' },
      media: null,
      instanceId: 7,
    }
    const { context, sendRequests } = createNodeContext({ config })
    assert.deepEqual(await sendNode.execute(context), { kind: 'goto', port: 'sent' })
    assert.deepEqual(sendRequests, [{ message: config.message, media: null, instanceId: 7 }])
  })

  test('follows failed on a failed send', async ({ assert }) => {
    const config = { message: { templateId: 3, text: null }, media: null, instanceId: null }
    const { context } = createNodeContext({
      config,
      sendOutcome: {
        status: 'failed',
        messageId: 9,
        code: 'E_NOT_ON_WHATSAPP',
        reason: 'no account',
      },
    })
    assert.deepEqual(await sendNode.execute(context), { kind: 'goto', port: 'failed' })
  })

  test('reports unknown variables', ({ assert }) => {
    const config = {
      message: { templateId: null, text: 'Hi {{name}}, {{cty|there}}' },
      media: null,
      instanceId: null,
    }
    const issues = sendNode.validate!(config, {
      knownVariables: new Set(['name', 'city']),
      customFields: new Map(),
      contactLists: new Map(),
      contactFields: new Map(),
    })
    assert.deepEqual(issues, [
      {
        field: 'message.text',
        message: 'flow_nodes.issues.unknown_variable',
        values: { name: 'cty' },
      },
    ])
  })
})

test.group('Branch on reply node', () => {
  const config = {
    timeout: { amount: 2, unit: 'hours' as const },
    rules: [
      {
        id: 'no',
        name: 'No',
        match: 'keywords' as const,
        keywords: ['não', 'parar'],
        pattern: null,
      },
      {
        id: 'yes',
        name: 'Yes',
        match: 'keywords' as const,
        keywords: ['sim', 'quero'],
        pattern: null,
      },
      {
        id: 'code',
        name: 'Code',
        match: 'pattern' as const,
        keywords: [],
        pattern: '^cód(igo)? \\d{4}$',
      },
    ],
  }

  test('parks until the timeout', async ({ assert }) => {
    const { context } = createNodeContext({ config, now: '2025-03-10T12:00:00Z' })
    const decision = await branchOnReplyNode.execute(context)
    assert.equal(decision.kind, 'await_reply')
    assert.equal(untilOf(decision), '2025-03-10T14:00:00.000Z')
  })

  test('counts earlier replies unless switched off', async ({ assert }) => {
    const cases: [boolean | undefined, boolean][] = [
      [undefined, true],
      [true, true],
      [false, false],
    ]
    for (const [option, expected] of cases) {
      const { context } = createNodeContext({
        config: { ...config, countEarlierReplies: option },
      })
      const decision = await branchOnReplyNode.execute(context)
      assert.equal(decision.kind, 'await_reply')
      assert.equal(
        decision.kind === 'await_reply' && decision.repliesSinceLastSend,
        expected,
        `option ${option}`
      )
    }
  })

  test('follows no_reply on timeout', async ({ assert }) => {
    const { context } = createNodeContext({ config, resume: { reason: 'timeout' } })
    assert.deepEqual(await branchOnReplyNode.execute(context), { kind: 'goto', port: 'no_reply' })
  })

  test('matches keywords ignoring case and accents', async ({ assert }) => {
    const cases: [string, string][] = [
      ['NAO', 'no'],
      ['Não, obrigado', 'no'],
      ['SIM!', 'yes'],
      ['sím, quero', 'yes'],
      ['assim não sei', 'no'],
      ['assim', 'any'],
      ['Código 1234', 'code'],
      ['codigo 12345', 'any'],
    ]
    for (const [text, port] of cases) {
      const { context } = createNodeContext({ config, resume: replyResume(text) })
      assert.deepEqual(await branchOnReplyNode.execute(context), { kind: 'goto', port }, text)
    }
  })

  test('first matching rule wins', async ({ assert }) => {
    const { context } = createNodeContext({ config, resume: replyResume('sim ou não') })
    assert.deepEqual(await branchOnReplyNode.execute(context), { kind: 'goto', port: 'no' })
  })

  test('media without text goes to any', async ({ assert }) => {
    const { context } = createNodeContext({ config, resume: replyResume(null) })
    assert.deepEqual(await branchOnReplyNode.execute(context), { kind: 'goto', port: 'any' })
  })

  test('ports follow the rules', ({ assert }) => {
    const ports =
      typeof branchOnReplyNode.ports === 'function' ? branchOnReplyNode.ports(config) : []
    assert.deepEqual(
      ports.map((port) => port.id),
      ['no', 'yes', 'code', 'any', 'no_reply']
    )
  })
})

test.group('Core node types registry', (group) => {
  group.setup(() => registerCoreNodeTypes())

  test('registers the five types', ({ assert }) => {
    for (const type of ['send', 'wait', 'wait_window', 'quiet_hours', 'branch_on_reply']) {
      assert.exists(nodeTypes.get(type), type)
    }
  })

  test('rejects an invalid pattern', async ({ assert }) => {
    const config = {
      timeout: { amount: 1, unit: 'hours' },
      rules: [{ id: 'x', name: 'X', match: 'pattern', keywords: [], pattern: '([' }],
    }
    await assert.rejects(
      () => nodeTypes.validateConfig('branch_on_reply', config),
      /regular expression/
    )
  })

  test('rejects reserved rule ids', async ({ assert }) => {
    const config = {
      timeout: { amount: 1, unit: 'hours' },
      rules: [{ id: 'any', name: 'X', match: 'keywords', keywords: ['a'], pattern: null }],
    }
    await assert.rejects(
      () => nodeTypes.validateConfig('branch_on_reply', config),
      /E_NODE_CONFIG_INVALID|Invalid configuration/
    )
  })

  test('rejects a send without message', async ({ assert }) => {
    const config = { message: { templateId: null, text: '  ' }, media: null, instanceId: null }
    await assert.rejects(() => nodeTypes.validateConfig('send', config), /template or a text/)
  })

  test('rejects a wait beyond a year', async ({ assert }) => {
    await assert.rejects(
      () => nodeTypes.validateConfig('wait', { duration: { amount: 400, unit: 'days' } }),
      /at most/
    )
  })

  test('localized defaults pass in each language', async ({ assert }) => {
    for (const locale of i18nManager.supportedLocales()) {
      const i18n = i18nManager.locale(locale)
      for (const entry of nodeTypes.list().filter((item) => item.plugin === null)) {
        const localize = entry.definition.localizedDefaults
        if (!localize) continue
        const config = localize((key) => {
          assert.isTrue(i18n.hasMessage(key), `${locale} lacks ${key}`)
          return i18n.t(key)
        })
        await nodeTypes.validateConfig(entry.definition.type, config)
      }
    }
  })

  test('rejects localized defaults failing the schema', async ({ assert }) => {
    const registry = new NodeTypeRegistry()
    const definition = {
      ...waitNode,
      type: 'broken_wait',
      localizedDefaults: () => ({ duration: { amount: 0, unit: 'days' as const } }),
    }
    await assert.rejects(
      () => registry.add(definition as never, null),
      /broken_wait.*localizedDefaults.*must pass configSchema/
    )
  })

  test('rejects a window without days', async ({ assert }) => {
    await assert.rejects(
      () =>
        nodeTypes.validateConfig('wait_window', {
          window: { days: [], start: '09:00', end: '10:00' },
        }),
      /Invalid configuration/
    )
  })
})

test.group('Reply pattern safety', () => {
  test('accepts patterns that match in linear time', ({ assert }) => {
    const safe = ['sim|s', '^(sim|yes)$', '\\d{5}', '(ab)+', '[(+*]+', 'a+b+', '(?:a)?', '(a+){2}']
    for (const pattern of safe) {
      assert.isNull(slowPatternReason(pattern), pattern)
    }
  })

  test('rejects nested repetition and backreferences', ({ assert }) => {
    const slow = ['(a+)+$', '(a*)*', '(a|aa)+', '(\\w+\\s?)*$', '(a+){2,}', '(.*a){3,5}', '(a)\\1']
    for (const pattern of slow) {
      assert.isNotNull(slowPatternReason(pattern), pattern)
    }
  })

  test('branch rejects a slow pattern', async ({ assert }) => {
    await registerCoreNodeTypes()
    const config = {
      timeout: { amount: 1, unit: 'hours' },
      rules: [{ id: 'x', name: 'X', match: 'pattern', keywords: [], pattern: '(a+)+$' }],
    }
    await assert.rejects(
      () => nodeTypes.validateConfig('branch_on_reply', config),
      /E_NODE_CONFIG_INVALID|Invalid configuration|minutes/
    )
  })

  test('branch rejects an inherited rule id', async ({ assert }) => {
    await registerCoreNodeTypes()
    const config = {
      timeout: { amount: 1, unit: 'hours' },
      rules: [{ id: '__proto__', name: 'X', match: 'keywords', keywords: ['a'], pattern: null }],
    }
    await assert.rejects(
      () => nodeTypes.validateConfig('branch_on_reply', config),
      /E_NODE_CONFIG_INVALID|Invalid configuration/
    )
  })
})
