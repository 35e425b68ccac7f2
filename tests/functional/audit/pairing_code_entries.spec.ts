import { test } from '@japa/runner'
import type { ChannelsRole } from '#processes/channels_role'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { startChannelsRole, waitFor, waitForStatus } from '#tests/helpers/channels'
import type { WhatsAppPeer } from '#tests/support/whatsapp_peer/index'
import AuditEntry from '../../../plugins/audit/models/audit_entry.js'
import {
  closeWhatsAppInstances,
  startLoopbackPeer,
} from '../../../plugins/whatsapp/tests/support/loopback.js'

const PHONE = '+5511974440021'

test.group('Audit log pairing code entries', (group) => {
  let role: ChannelsRole
  let peer: WhatsAppPeer
  group.setup(async () => {
    peer = await startLoopbackPeer()
    role = await startChannelsRole()
    return async () => {
      await role.stop()
      await closeWhatsAppInstances()
      await peer.close()
    }
  })

  test('granted code is recorded once, under the member', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { user: editor } = await addMember(tenant.id, 'editor')
    const post = (url: string, form: object = {}) =>
      client.post(url).form(form).loginAs(editor).withCsrfToken().redirects(0)

    const created = await post('/connections', {
      name: 'Loja Oeste',
      channel: 'whatsapp',
      config: { reconnectBaseMs: 50 },
    })
    created.assertStatus(302)
    const instance = await runInTenant(tenant.id, () =>
      ChannelInstance.findByOrFail('name', 'Loja Oeste')
    )
    const connect = await post(`/connections/${instance.id}/connect`)
    connect.assertStatus(302)
    await waitForStatus(tenant.id, instance.id, 'qr')

    const request = await post(`/connections/${instance.id}/pairing-code`, { phone: PHONE })
    request.assertStatus(302)
    assert.notExists(request.flashMessages()?.error)

    // The member reads the code on the connections page.
    const stored = await waitFor(async () => {
      const fresh = await runInTenant(tenant.id, () => ChannelInstance.findOrFail(instance.id))
      return fresh.pairing?.kind === 'code' ? fresh.pairing : null
    }, 'the pairing code')
    const code = stored.kind === 'code' ? stored.code : ''
    assert.match(code, /^[A-Z0-9]{8}$/)
    const page = await client.get('/connections').loginAs(editor)
    page.assertStatus(200)
    assert.include(page.text(), code)

    // The code is real: the phone that enters it links the number.
    await peer.enterPairingCode(code)
    await waitForStatus(tenant.id, instance.id, 'open')

    const entries = await AuditEntry.query()
      .where('tenant_id', tenant.id)
      .where('action', 'instance.pairing_code_requested')
    assert.lengthOf(entries, 1)
    const [entry] = entries
    assert.equal(entry.actorId, editor.id)
    assert.equal(entry.targetType, 'channel_instance')
    assert.equal(entry.targetId, String(instance.id))
    assert.equal(entry.ipAddress, '127.0.0.1')
    assert.isNull(entry.before)
    assert.isNull(entry.after)
    const recorded = JSON.stringify(entry.serialize())
    assert.notInclude(recorded, code)
    assert.notInclude(recorded, PHONE.slice(3))
  }).timeout(60_000)
})
