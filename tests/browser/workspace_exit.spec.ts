import { test } from '@japa/runner'
import Membership from '#models/membership'
import Tenant from '#models/tenant'
import { runAsSystem, runInTenant } from '#tenancy/tenant_context'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { capture } from '#tests/helpers/browser_pages'

function membershipCount(userId: number, tenantId: number) {
  return runAsSystem(() =>
    Membership.query().where('user_id', userId).where('tenant_id', tenantId).count('* as total')
  ).then(([row]) => Number(row.$extras.total))
}

test.group('Workspace leave and delete in the browser', () => {
  test('member confirms leaving a workspace', async ({ browserContext, visit, assert }) => {
    const { tenant: left } = await createTenantWithOwner('Left')
    const { tenant: kept } = await createTenantWithOwner('Kept')
    const { user: agent } = await addMember(left.id, 'agent')
    await runInTenant(kept.id, () => Membership.create({ userId: agent.id, role: 'viewer' }))
    await browserContext.loginAs(agent)
    const page = await visit('/settings/workspace')
    await page.waitForLoadState('networkidle')
    await page.assertTextContains('[data-test-id="workspace-leave"]', left.name)
    assert.equal(await page.locator('[data-test-id="workspace-delete"]').count(), 0)

    // Dismissing the confirmation keeps the membership.
    page.once('dialog', (dialog) => dialog.dismiss())
    await page.locator('[data-test-id="workspace-leave-button"]').click()
    await page.waitForTimeout(300)
    assert.equal(await membershipCount(agent.id, left.id), 1)

    let question = ''
    page.once('dialog', (dialog) => {
      question = dialog.message()
      return dialog.accept()
    })
    await page.locator('[data-test-id="workspace-leave-button"]').click()
    await page.waitForURL((url) => url.pathname === '/', { waitUntil: 'commit' })
    await page.assertTextContains('[data-test-id="flash-success"]', `You left ${left.name}.`)
    assert.include(question, left.name)
    await page.assertTextContains('.tenant-name', kept.name)
    assert.equal(await membershipCount(agent.id, left.id), 0)
  }).timeout(60_000)

  test('last owner sees why leaving is off', async ({ browserContext, visit, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await browserContext.loginAs(owner)
    const page = await visit('/settings/workspace')
    await page.waitForLoadState('networkidle')

    await page.assertTextContains(
      '[data-test-id="workspace-leave-last-owner"]',
      `You are the last owner of ${tenant.name}`
    )
    assert.isTrue(await page.locator('[data-test-id="workspace-leave-button"]').isDisabled())
  })

  test('owner types the name to delete', async ({ browserContext, visit, assert }) => {
    const { tenant: doomed, owner } = await createTenantWithOwner('Doomed')
    const { tenant: other } = await createTenantWithOwner('Other')
    await runInTenant(other.id, () => Membership.create({ userId: owner.id, role: 'admin' }))
    await browserContext.loginAs(owner)
    const page = await visit('/settings/workspace')
    await page.waitForLoadState('networkidle')

    await page.locator('[data-test-id="field-confirmName"]').fill('Not the name')
    await page.locator('[data-test-id="workspace-delete-button"]').click()
    await page.assertTextContains(
      '[data-test-id="error-confirmName"]',
      `The name does not match. Type ${doomed.name} exactly as shown.`
    )
    await capture(page, 'workspace-delete-error')
    await doomed.refresh()
    assert.isNull(doomed.deletionRequestedAt)

    await page.locator('[data-test-id="field-confirmName"]').fill(doomed.name)
    await page.locator('[data-test-id="workspace-delete-button"]').click()
    await page.waitForURL((url) => url.pathname.startsWith('/workspaces/deletions/'), {
      waitUntil: 'commit',
    })
    await page.assertTextContains(
      '[data-test-id="flash-success"]',
      `Workspace ${doomed.name} is being deleted.`
    )
    await page.assertTextContains('h1', `Deleting ${doomed.name}`)
    const marked = await Tenant.findOrFail(doomed.id)
    assert.isNotNull(marked.deletionRequestedAt)
    assert.equal(await membershipCount(owner.id, doomed.id), 0)

    await page.locator('[data-test-id="deletion-continue"]').click()
    await page.waitForURL((url) => url.pathname === '/', { waitUntil: 'commit' })
    await page.assertTextContains('.tenant-name', other.name)
  }).timeout(60_000)
})
