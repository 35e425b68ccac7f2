import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import WorkspaceDeletion from '#models/workspace_deletion'
import { runInTenant } from '#tenancy/tenant_context'
import { createInstance } from '#services/channels/instance_service'
import { markTenantForDeletion } from '#services/workspaces/workspace_exit'
import { deleteMarkedTenant } from '#services/workspaces/workspace_deletion'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { phoneNumber, seedAudience } from '#tests/helpers/engine'
import { tenantDeletions } from '../../fixtures/plugins/fixture-notes/index.js'

/** Rows of the WhatsApp plugin's tables that belong to the instance. */
async function whatsappRows(instanceId: number) {
  let total = 0
  for (const table of ['whatsapp_auth_keys', 'whatsapp_sent_messages', 'whatsapp_lid_contacts']) {
    const [row] = await db.from(table).where('instance_id', instanceId).count('* as total')
    total += Number(row.total)
  }
  return total
}

/** Stores what a linked WhatsApp device leaves behind, as a paired instance does. */
async function storeWhatsAppState(instanceId: number) {
  const now = new Date().toISOString().slice(0, 19).replace('T', ' ')
  await db.table('whatsapp_auth_keys').insert({
    instance_id: instanceId,
    category: 'creds',
    key_id: 'creds',
    value: 'encrypted',
    updated_at: now,
  })
  await db.table('whatsapp_sent_messages').insert({
    instance_id: instanceId,
    message_id: '3EB0C767D26A1D4E5B8C',
    remote_jid: '5511912340001@s.whatsapp.net',
    content: 'encrypted',
    created_at: now,
  })
  await db.table('whatsapp_lid_contacts').insert({
    instance_id: instanceId,
    lid: '123456789012345@lid',
    phone: '+5511912340001',
    updated_at: now,
  })
}

test.group('Plugin tenant deletion handlers', () => {
  test('handlers run with instance ids', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await runInTenant(tenant.id, () =>
      createInstance({ name: 'Offline number', channel: 'whatsapp' })
    )
    await storeWhatsAppState(instance.id)
    const { tenant: kept } = await createTenantWithOwner()
    const keptInstance = await runInTenant(kept.id, () =>
      createInstance({ name: 'Kept number', channel: 'whatsapp' })
    )
    await storeWhatsAppState(keptInstance.id)
    await markTenantForDeletion(tenant, owner)

    assert.isTrue(await deleteMarkedTenant(tenant.id))

    // fixture-notes is off by default, and still hears of the deletion.
    assert.deepInclude(tenantDeletions, { tenantId: tenant.id, instanceIds: [instance.id] })
    assert.equal(await whatsappRows(instance.id), 0)
    assert.equal(await whatsappRows(keptInstance.id), 3)
    const deletion = await WorkspaceDeletion.findByOrFail('workspaceId', tenant.id)
    assert.deepEqual(deletion.progress.instanceIds, [instance.id])
    assert.deepEqual(deletion.progress.plugins['fixture-notes'], { deletions: 1 })
    assert.deepEqual(deletion.progress.plugins.whatsapp, {
      whatsapp_auth_keys: 1,
      whatsapp_sent_messages: 1,
      whatsapp_lid_contacts: 1,
    })
  }).timeout(60_000)

  test('failed handler keeps rows', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Stuck')
    await seedAudience(tenant.id, [{ phone: phoneNumber(47, 1) }])
    await markTenantForDeletion(tenant, owner)

    await assert.rejects(
      () => deleteMarkedTenant(tenant.id),
      /Plugin "fixture-notes": onTenantDeletion\(\) threw for tenant \d+: the notes service is unreachable/
    )
    const [contacts] = await db.from('contacts').where('tenant_id', tenant.id).count('* as total')
    assert.equal(Number(contacts.total), 1)
    assert.isNotNull(await db.from('tenants').where('id', tenant.id).first())
    const deletion = await WorkspaceDeletion.findByOrFail('workspaceId', tenant.id)
    assert.equal(deletion.status, 'running')
    assert.equal(deletion.step, 'plugins')
    assert.include(deletion.lastError, 'fixture-notes')
    assert.equal(deletion.progress.steps.plugins.state, 'running')
    assert.equal(deletion.progress.steps.rows.state, 'pending')
  }).timeout(60_000)
})
