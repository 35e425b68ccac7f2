import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import transmit from '@adonisjs/transmit/services/main'
import env from '#start/env'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import {
  broadcastInstance,
  instancesTopic,
  managedInstancesTopic,
} from '#services/channels/channel_broadcast'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import { createContact } from '#tests/helpers/inbox'
import { signIn } from '#tests/helpers/web_session'
import { openStream, subscribe } from '#tests/helpers/event_stream'
import { waitFor } from '#tests/helpers/channels'

const BASE = `http://127.0.0.1:${env.get('PORT')}`

const QR = 'pairing-qr-of-the-test'

/** Creates a sandbox connection that shows a QR code to scan. */
function connectionShowingQr(tenantId: number) {
  return runInTenant(tenantId, () =>
    ChannelInstance.create({
      name: `Pairing ${Date.now()}`,
      channel: 'sandbox',
      status: 'qr',
      pairing: { kind: 'qr', qr: QR, expiresAt: null },
    })
  )
}

function nextTurn() {
  return new Promise((resolve) => setImmediate(resolve))
}

test.group('Pairing data access', () => {
  test('pages show pairing to editors only', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await connectionShowingQr(tenant.id)
    const contact = await createContact(tenant.id, 'Lia')
    const { user: viewer } = await addMember(tenant.id, 'viewer')
    const { user: agent } = await addMember(tenant.id, 'agent')
    const { user: editor } = await addMember(tenant.id, 'editor')

    for (const [role, user, sees] of [
      ['viewer', viewer, false],
      ['agent', agent, false],
      ['editor', editor, true],
    ] as const) {
      const connections = await client.get('/connections').headers(INERTIA_HEADERS).loginAs(user)
      const simulator = await client.get('/simulator').headers(INERTIA_HEADERS).loginAs(user)
      const conversation = await client
        .get(`/simulator/${instance.id}/conversation?contactId=${contact.id}`)
        .accept('json')
        .loginAs(user)

      connections.assertStatus(200)
      simulator.assertStatus(200)
      conversation.assertStatus(200)
      const pairings = [
        connections.body().props.instances[0].pairing,
        simulator.body().props.instances[0].pairing,
        conversation.body().instance.pairing,
      ]
      for (const pairing of pairings) {
        assert.equal(pairing?.qr ?? null, sees ? QR : null, `pairing data shown to the ${role}`)
      }
    }
  })

  test('live channel needs an editor', async ({ assert, cleanup }) => {
    const { tenant } = await createTenantWithOwner()
    const viewer = await addMember(tenant.id, 'viewer')
    const editor = await addMember(tenant.id, 'editor')
    const viewerSession = await signIn(BASE, viewer.user.email, viewer.password)
    const editorSession = await signIn(BASE, editor.user.email, editor.password)
    const viewerUid = randomUUID()
    const editorUid = randomUUID()
    const streams = [
      await openStream(BASE, viewerSession, viewerUid),
      await openStream(BASE, editorSession, editorUid),
    ]
    cleanup(() => streams.forEach((stream) => stream.destroy()))

    const managed = managedInstancesTopic(tenant.id)
    const managedOne = `${managed}/1`
    assert.equal(await subscribe(viewerSession, viewerUid, managed), 400)
    assert.equal(await subscribe(viewerSession, viewerUid, managedOne), 400)
    assert.equal(await subscribe(viewerSession, viewerUid, instancesTopic(tenant.id)), 204)
    assert.equal(await subscribe(editorSession, editorUid, managed), 204)
    assert.equal(await subscribe(editorSession, editorUid, managedOne), 204)
  }).timeout(30_000)

  test('demotion closes the pairing stream', async ({ client, assert, cleanup }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const editor = await addMember(tenant.id, 'editor')
    const session = await signIn(BASE, editor.user.email, editor.password)
    const uid = randomUUID()
    const stream = await openStream(BASE, session, uid)
    cleanup(() => {
      stream.destroy()
    })
    let closed = false
    stream.on('close', () => (closed = true))
    assert.equal(await subscribe(session, uid, managedInstancesTopic(tenant.id)), 204)

    const demotion = await client
      .put(`/settings/members/${editor.membership.id}`)
      .form({ role: 'viewer' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)

    demotion.assertStatus(302)
    await waitFor(async () => closed, 'the event stream to close', 5000)
  }).timeout(30_000)

  test('shared channels carry no pairing data', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await connectionShowingQr(tenant.id)
    const shared = instancesTopic(tenant.id)
    const managed = managedInstancesTopic(tenant.id)
    const seen = new Map<string, any>()
    const stop = transmit.on('broadcast', (event) => {
      if (event.channel === shared || event.channel === managed) {
        seen.set(event.channel, event.payload)
      }
    })
    try {
      broadcastInstance(instance)
      await nextTurn()
      await nextTurn()
    } finally {
      stop()
    }

    assert.equal(seen.get(shared)?.instance.status, 'qr')
    assert.isNull(seen.get(shared)?.instance.pairing)
    assert.equal(seen.get(managed)?.instance.pairing.qr, QR)
  })
})
