import { test } from '@japa/runner'
import { createNodeContext } from '#sdk/testing'
import { pickPath, splitPoint } from '../split_choice.js'
import { splitNode } from '../node_types/split_node.js'
import { goalNode } from '../node_types/goal_node.js'

const JOURNEYS = 10_000

test.group('Logic split', () => {
  test('same journey and node take the same path', ({ assert }) => {
    for (let journeyId = 1; journeyId <= 200; journeyId++) {
      assert.equal(splitPoint(journeyId, 'ab'), splitPoint(journeyId, 'ab'))
      assert.equal(pickPath([30, 70], journeyId, 'ab'), pickPath([30, 70], journeyId, 'ab'))
    }
  })

  test('30/70 shares hold over 10,000 journeys', ({ assert }) => {
    let first = 0
    for (let journeyId = 1; journeyId <= JOURNEYS; journeyId++) {
      if (pickPath([30, 70], journeyId, 'split-1') === 0) first++
    }
    // A binomial count of 10,000 draws at p = 0.3 has a standard deviation
    // of sqrt(10,000 × 0.3 × 0.7) ≈ 46, so ±200 is over four deviations.
    assert.isAtLeast(first, 2800)
    assert.isAtMost(first, 3200)
  })

  test('five paths each get their share', ({ assert }) => {
    const shares = [10, 15, 20, 25, 30]
    const counts = [0, 0, 0, 0, 0]
    for (let journeyId = 1; journeyId <= JOURNEYS; journeyId++) {
      counts[pickPath(shares, journeyId, 'five')]++
    }
    for (const [index, share] of shares.entries()) {
      // At most p = 0.3 the deviation is about 46 journeys; ±200 is over four.
      assert.closeTo(counts[index], share * 100, 200, `path ${index}`)
    }
  })

  test('other nodes draw independently', ({ assert }) => {
    // Two independent 50/50 draws agree half the time: 5,000 ± 50 (one deviation).
    let same = 0
    for (let journeyId = 1; journeyId <= JOURNEYS; journeyId++) {
      if (pickPath([50, 50], journeyId, 'first') === pickPath([50, 50], journeyId, 'second')) same++
    }
    assert.closeTo(same, JOURNEYS / 2, 250)
  })

  test('executor goes to the drawn path', async ({ assert }) => {
    const config = {
      paths: [
        { id: 'a', name: 'Short text', percent: 30 },
        { id: 'b', name: '', percent: 70 },
      ],
    }
    const { context } = createNodeContext({ config })
    const expected = ['a', 'b'][pickPath([30, 70], context.journey.id, context.node.id)]
    assert.deepEqual(await splitNode.execute(context), { kind: 'goto', port: expected })
  })

  test('ports carry the names or letters', ({ assert }) => {
    const ports = (splitNode.ports as Function)({
      paths: [
        { id: 'a', name: 'Short text', percent: 30 },
        { id: 'item_2', name: ' ', percent: 70 },
      ],
    })
    assert.deepEqual(ports, [
      { id: 'a', text: 'Short text', required: true },
      { id: 'item_2', text: 'B', required: true },
    ])
  })

  test('validation names the total', ({ assert }) => {
    const config = {
      paths: [
        { id: 'a', name: 'A', percent: 30 },
        { id: 'b', name: 'B', percent: 60 },
      ],
    }
    const issues = splitNode.validate!(config, {
      knownVariables: new Set(),
      contactFields: new Map(),
      customFields: new Map(),
      contactLists: new Map(),
    })
    assert.deepEqual(issues, [
      {
        field: 'paths',
        message: 'logic.issues.split_total',
        text: 'The percentages add up to {total}: make them add up to 100',
        values: { total: 90 },
      },
    ])
  })
})

test.group('Logic goal', () => {
  test('ends the journey with reason goal', async ({ assert }) => {
    const { context } = createNodeContext({ config: { label: 'Bought' } })
    assert.deepEqual(await goalNode.execute(context), { kind: 'end', reason: 'goal' })
  })
})
