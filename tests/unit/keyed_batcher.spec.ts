import { test } from '@japa/runner'
import { KeyedBatcher } from '#plugins/sdk/batching'

/** Creates a batcher whose flushes record their items and wait until `release` is called. */
function recordingBatcher(options: { maxItems?: number; windowMs?: number } = {}) {
  const flushes: { key: string; items: number[] }[] = []
  let release: () => void = () => undefined
  let gate = Promise.resolve()
  const batcher = new KeyedBatcher<string, number, number>(async (key, items) => {
    flushes.push({ key, items: [...items] })
    await gate
    return items.reduce((sum, item) => sum + item, 0)
  }, options)
  return {
    batcher,
    flushes,
    hold() {
      gate = new Promise<void>((resolve) => (release = resolve))
    },
    release: () => release(),
  }
}

test.group('Keyed batcher', () => {
  test('requests of one tick share a flush', async ({ assert }) => {
    const { batcher, flushes } = recordingBatcher()
    const results = await Promise.all([batcher.add('a', 1), batcher.add('a', 2)])

    assert.deepEqual(results, [3, 3])
    assert.deepEqual(flushes, [{ key: 'a', items: [1, 2] }])
  })

  test('keys flush apart', async ({ assert }) => {
    const { batcher, flushes } = recordingBatcher()
    const results = await Promise.all([batcher.add('a', 1), batcher.add('b', 5)])

    assert.deepEqual(results, [1, 5])
    assert.lengthOf(flushes, 2)
  })

  test('requests during a flush wait for the next', async ({ assert }) => {
    const recorder = recordingBatcher()
    recorder.hold()
    const first = recorder.batcher.add('a', 1)
    await new Promise((resolve) => setImmediate(resolve))
    const second = recorder.batcher.add('a', 2)
    const third = recorder.batcher.add('a', 3)
    assert.lengthOf(recorder.flushes, 1, 'a second flush started while the first ran')

    recorder.release()
    assert.equal(await first, 1)
    assert.equal(await second, 5)
    assert.equal(await third, 5)
    assert.deepEqual(recorder.flushes[1], { key: 'a', items: [2, 3] })
  })

  test('maxItems splits a batch', async ({ assert }) => {
    const { batcher, flushes } = recordingBatcher({ maxItems: 2 })
    const results = await Promise.all([1, 2, 3].map((item) => batcher.add('a', item)))

    assert.deepEqual(results, [3, 3, 3])
    assert.deepEqual(
      flushes.map((flush) => flush.items),
      [[1, 2], [3]]
    )
  })

  test('windowMs gathers requests made apart', async ({ assert }) => {
    const { batcher, flushes } = recordingBatcher({ windowMs: 50 })
    const first = batcher.add('a', 1)
    await new Promise((resolve) => setTimeout(resolve, 10))
    const second = batcher.add('a', 2)

    assert.deepEqual(await Promise.all([first, second]), [3, 3])
    assert.deepEqual(flushes, [{ key: 'a', items: [1, 2] }])
  })

  test('without windowMs requests made apart flush apart', async ({ assert }) => {
    const { batcher, flushes } = recordingBatcher()
    const first = batcher.add('a', 1)
    await new Promise((resolve) => setTimeout(resolve, 10))
    const second = batcher.add('a', 2)

    assert.deepEqual(await Promise.all([first, second]), [1, 2])
    assert.lengthOf(flushes, 2)
  })

  test('failed flush rejects its requests only', async ({ assert }) => {
    let calls = 0
    const batcher = new KeyedBatcher<string, number, number>(async (_key, items) => {
      calls++
      if (calls === 1) {
        throw new Error('flush failed')
      }
      return items.length
    })
    const failed = Promise.all([batcher.add('a', 1), batcher.add('a', 2)])
    await assert.rejects(() => failed, 'flush failed')

    assert.equal(await batcher.add('a', 3), 1)
  })
})
