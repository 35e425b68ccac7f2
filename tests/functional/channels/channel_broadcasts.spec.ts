import { test } from '@japa/runner'
import transmit from '@adonisjs/transmit/services/main'
import {
  broadcastConversation,
  broadcastConversationMerged,
  broadcastInstanceDeleted,
  inboxTopic,
  instancesTopic,
} from '#services/channels/channel_broadcast'

/** Collects this process's Transmit broadcasts on `topics` until the returned stop is called. */
function recordBroadcasts(topics: string[]) {
  const seen: { channel: string; payload: any }[] = []
  const stop = transmit.on('broadcast', (event) => {
    if (topics.includes(event.channel)) seen.push(event as any)
  })
  return { seen, stop }
}

function nextTurn() {
  return new Promise((resolve) => setImmediate(resolve))
}

test.group('Channel broadcasts', () => {
  test('one event leaves as it is', async ({ assert }) => {
    const topic = inboxTopic(9101)
    const recorded = recordBroadcasts([topic])
    try {
      broadcastConversationMerged(9101, 4, 5)
      assert.lengthOf(recorded.seen, 0, 'broadcast before the turn ended')
      await nextTurn()
      await nextTurn()
    } finally {
      recorded.stop()
    }
    assert.lengthOf(recorded.seen, 1)
    assert.deepEqual(recorded.seen[0].payload, { type: 'merged', fromId: 4, intoId: 5 })
  })

  test('one turn batches each topic', async ({ assert }) => {
    const inbox = inboxTopic(9102)
    const instances = instancesTopic(9102)
    const recorded = recordBroadcasts([inbox, instances])
    try {
      broadcastConversation(9102, { id: 1, unreadCount: 2 })
      broadcastInstanceDeleted(9102, 7)
      broadcastConversationMerged(9102, 1, 3)
      broadcastConversation(9102, { id: 3, unreadCount: 0 })
      await nextTurn()
      await nextTurn()
    } finally {
      recorded.stop()
    }

    assert.lengthOf(recorded.seen, 2)
    const inboxEvent = recorded.seen.find((event) => event.channel === inbox)!
    assert.deepEqual(inboxEvent.payload, {
      type: 'batch',
      events: [
        { type: 'conversation', conversation: { id: 1, unreadCount: 2 } },
        { type: 'merged', fromId: 1, intoId: 3 },
        { type: 'conversation', conversation: { id: 3, unreadCount: 0 } },
      ],
    })
    const instancesEvent = recorded.seen.find((event) => event.channel === instances)!
    assert.deepEqual(instancesEvent.payload, { type: 'deleted', instanceId: 7 })
  })
})
