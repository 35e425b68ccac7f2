import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import env from '#start/env'
import type { ChannelsRole } from '#processes/channels_role'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { pairedSandbox, startChannelsRole } from '#tests/helpers/channels'
import { createContact, simulateReply, uniqueMobile } from '#tests/helpers/inbox'
import { signIn, type WebSession } from '#tests/helpers/web_session'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import { openStream, subscribe } from '#tests/helpers/event_stream'

const BASE = `http://127.0.0.1:${env.get('PORT')}`

type UnreadTotals = { conversations: number; messages: number }

/** Opens an event stream of the session that records the `unread` totals of the channel, in order. */
async function unreadStream(session: WebSession, channel: string) {
  const uid = randomUUID()
  const totals: UnreadTotals[] = []
  const countedAt: number[] = []
  const stream = await openStream(BASE, session, uid, (event) => {
    if (event?.payload?.type === 'unread') {
      totals.push(event.payload.unread)
      countedAt.push(event.payload.countedAt)
    }
  })
  const status = await subscribe(session, uid, channel)
  if (status !== 204) {
    stream.destroy()
    throw new Error(`subscription to ${channel} returned ${status}`)
  }
  return {
    totals,
    countedAt,
    close: () => {
      stream.destroy()
    },
  }
}

async function waitForTotals(totals: UnreadTotals[], count: number, awaited: string) {
  const deadline = Date.now() + 15_000
  while (totals.length < count) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${awaited}: got ${JSON.stringify(totals)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return totals[count - 1]
}

test.group('Inbox unread badge', (group) => {
  let role: ChannelsRole
  group.setup(async () => {
    role = await startChannelsRole()
    return () => role.stop()
  })

  test('page props count the tenant unread', async ({ client, assert }) => {
    const alpha = await createTenantWithOwner('Alpha')
    const beta = await createTenantWithOwner('Beta')
    const viewer = await addMember(alpha.tenant.id, 'viewer')
    const alphaInstance = await pairedSandbox(alpha.tenant.id)
    const betaInstance = await pairedSandbox(beta.tenant.id)
    const ana = await createContact(alpha.tenant.id, 'Ana Souza')
    await simulateReply(alphaInstance, ana.phone, 'Oi')
    await simulateReply(alphaInstance, ana.phone, 'Ainda aí?')
    await simulateReply(alphaInstance, uniqueMobile(), 'Quem fala?')
    await simulateReply(betaInstance, uniqueMobile(), 'Olá')

    const asOwner = await client.get('/').loginAs(alpha.owner).headers(INERTIA_HEADERS)
    const asViewer = await client.get('/contacts').loginAs(viewer.user).headers(INERTIA_HEADERS)
    const otherTenant = await client.get('/').loginAs(beta.owner).headers(INERTIA_HEADERS)

    assert.equal(asOwner.body().props.inboxUnread, 2)
    assert.equal(asViewer.body().props.inboxUnread, 2)
    assert.equal(otherTenant.body().props.inboxUnread, 1)
  })

  test('signed-out page has no count', async ({ client, assert }) => {
    const page = await client.get('/login').headers(INERTIA_HEADERS)

    assert.isNull(page.body().props.inboxUnread)
  })

  test('totals follow messages and reads', async ({ assert, cleanup }) => {
    const { tenant } = await createTenantWithOwner()
    const agent = await addMember(tenant.id, 'agent')
    const viewer = await addMember(tenant.id, 'viewer')
    const instance = await pairedSandbox(tenant.id)
    const bruno = await createContact(tenant.id, 'Bruno Lima')
    const agentSession = await signIn(BASE, agent.user.email, agent.password)
    const viewerSession = await signIn(BASE, viewer.user.email, viewer.password)
    const stream = await unreadStream(viewerSession, `tenants/${tenant.id}/inbox`)
    cleanup(() => stream.close())

    const first = await simulateReply(instance, bruno.phone, 'Oi')
    assert.deepEqual(await waitForTotals(stream.totals, 1, 'the first message'), {
      conversations: 1,
      messages: 1,
    })
    await simulateReply(instance, uniqueMobile(), 'Bom dia')
    assert.deepEqual(await waitForTotals(stream.totals, 2, 'the second sender'), {
      conversations: 2,
      messages: 2,
    })

    await viewerSession.json('GET', `/inbox/${first.conversationId}`)
    await agentSession.json('GET', `/inbox/${first.conversationId}`)
    assert.deepEqual(await waitForTotals(stream.totals, 3, 'the read'), {
      conversations: 1,
      messages: 1,
    })
    // A viewer's visit leaves the conversation unread, so only the agent's read is broadcast.
    assert.lengthOf(stream.totals, 3)
    // Each total carries the time it was counted, so a page can drop one that arrives late.
    for (const time of stream.countedAt) {
      assert.isAbove(time, Date.now() - 60_000)
    }
    assert.deepEqual(
      stream.countedAt,
      [...stream.countedAt].sort((a, b) => a - b)
    )
  }).timeout(60_000)
})
