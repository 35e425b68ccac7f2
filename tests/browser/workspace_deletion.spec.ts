import { test } from '@japa/runner'
import Membership from '#models/membership'
import WorkspaceDeletion from '#models/workspace_deletion'
import { runInTenant } from '#tenancy/tenant_context'
import { markTenantForDeletion } from '#services/workspaces/workspace_exit'
import { deleteMarkedTenant, type DeletionStep } from '#services/workspaces/workspace_deletion'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { phoneNumber, seedAudience } from '#tests/helpers/engine'
import { capture } from '#tests/helpers/browser_pages'

/** Holds a deletion before one step until `release` is called, as a slow run would. */
function pauseBefore(held: DeletionStep) {
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  const onStep = async (step: DeletionStep) => {
    if (step === held) {
      await released
    }
  }
  return { onStep, release }
}

test.group('Workspace deletion in the browser', () => {
  test('progress bar follows the deletion', async ({ browserContext, visit, assert }) => {
    const { tenant: doomed, owner } = await createTenantWithOwner('Doomed')
    const { tenant: other } = await createTenantWithOwner('Other')
    await runInTenant(other.id, () => Membership.create({ userId: owner.id, role: 'admin' }))
    const contacts = Array.from({ length: 300 }, (_, index) => ({ phone: phoneNumber(45, index) }))
    await seedAudience(doomed.id, contacts)
    await browserContext.loginAs(owner)
    const page = await visit('/settings/workspace')
    await page.waitForLoadState('networkidle')

    await page.locator('[data-test-id="field-confirmName"]').fill(doomed.name)
    await page.locator('[data-test-id="workspace-delete-button"]').click()
    await page.waitForURL((url) => url.pathname.startsWith('/workspaces/deletions/'))
    const deletion = await WorkspaceDeletion.findByOrFail('workspaceId', doomed.id)
    const view = page.locator('[data-test-id="workspace-deletion"]')
    await page.assertTextContains('h1', `Deleting ${doomed.name}`)
    await page.assertTextContains(
      '[data-test-id="deletion-requested"]',
      `${owner.email} asked to delete this workspace`
    )
    assert.equal(await view.getAttribute('data-status'), 'queued')
    await page.assertTextContains('[data-test-id="deletion-continue"]', `Continue in ${other.name}`)
    await page.waitForLoadState('networkidle')

    const { onStep, release } = pauseBefore('rows')
    const run = deleteMarkedTenant(doomed.id, onStep)
    try {
      await page
        .locator('[data-test-id="deletion-step-files"][data-state="done"]')
        .waitFor({ timeout: 15_000 })
      assert.equal(await view.getAttribute('data-status'), 'running')
      const percent = Number(
        await page.locator('[data-test-id="deletion-progress"]').getAttribute('aria-valuenow')
      )
      assert.isAbove(percent, 0)
      assert.isBelow(percent, 100)
      assert.equal(
        await page.locator('[data-test-id="deletion-step-campaigns"]').getAttribute('data-state'),
        'done'
      )
      assert.equal(
        await page.locator('[data-test-id="deletion-step-rows"]').getAttribute('data-state'),
        'pending'
      )
      await page.assertTextContains('[data-test-id="deletion-rows"]', 'of ')
      await page.locator('[data-test-id="deletion-tables"] summary').click()
      await page.assertTextContains('[data-test-id="deletion-table-contacts"]', 'Contacts')
      await page.assertTextContains('[data-test-id="deletion-table-contacts"]', '0 of 300')
      await capture(page, 'workspace-deletion-progress')

      // The owner goes on working elsewhere, and the notice above the page follows the deletion.
      await page.locator('[data-test-id="deletion-continue"]').click()
      await page.waitForURL((url) => url.pathname === '/')
      await page.assertTextContains('.tenant-name', other.name)
      const notice = page.locator(`[data-test-id="deletion-notice-${deletion.id}"]`)
      await page.assertTextContains(
        `[data-test-id="deletion-notice-${deletion.id}"]`,
        `Workspace ${doomed.name} is being deleted`
      )
      await page.waitForLoadState('networkidle')
      await capture(page, 'workspace-deletion-notice')
      release()
      assert.isTrue(await run)
      await page.assertTextContains(
        `[data-test-id="deletion-notice-${deletion.id}"]`,
        `Workspace ${doomed.name} was deleted.`
      )
      assert.equal(await notice.getAttribute('data-percent'), '100')
    } finally {
      release()
      await run.catch(() => {})
    }
  }).timeout(90_000)

  test('member moves on when it ends', async ({ browserContext, visit, assert }) => {
    const { tenant: doomed, owner } = await createTenantWithOwner('Doomed')
    const { user: agent } = await addMember(doomed.id, 'agent')
    await seedAudience(doomed.id, [{ phone: phoneNumber(46, 1) }, { phone: phoneNumber(46, 2) }])
    await markTenantForDeletion(doomed, owner)
    const deletion = await WorkspaceDeletion.findByOrFail('workspaceId', doomed.id)

    await browserContext.loginAs(agent)
    const page = await visit('/campaigns')
    await page.waitForURL((url) => url.pathname === `/workspaces/deletions/${deletion.id}`)
    await page.assertTextContains('h1', `Deleting ${doomed.name}`)
    await page.assertTextContains('[data-test-id="deletion-continue"]', 'Continue')
    await page.assertTextContains(
      '[data-test-id="deletion-help"]',
      'Nobody can work in this workspace any more'
    )
    await page.waitForLoadState('networkidle')

    assert.isTrue(await deleteMarkedTenant(doomed.id))
    await page.assertTextContains('h1', `${doomed.name} was deleted`)
    await capture(page, 'workspace-deletion-done')
    await page.waitForURL((url) => url.pathname === '/workspaces/start', { timeout: 15_000 })
    await page.assertTextContains(
      '[data-test-id="flash-success"]',
      `Workspace ${doomed.name} was deleted.`
    )
  }).timeout(90_000)
})
