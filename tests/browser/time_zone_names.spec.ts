import { test } from '@japa/runner'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { capture } from '#tests/helpers/browser_pages'

/**
 * Settings name time zones for people in the page's language, and the
 * zone pickers suggest zones by name, sorted by name, while the field keeps
 * the IANA code.
 */
test.group('Time zone names', () => {
  test('settings name the zone', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Zone names')
    tenant.timezone = 'America/Sao_Paulo'
    tenant.quietHours = { days: [1, 2, 3, 4, 5], start: '22:00', end: '07:00', basis: 'tenant' }
    await tenant.save()
    await browserContext.loginAs(owner)

    const quiet = await visit('/settings/quiet-hours')
    await quiet.setViewportSize({ width: 1280, height: 900 })
    await quiet.assertTextContains('[data-test-id="quiet-hours-form"]', 'Brasilia')
    assert.notInclude(await quiet.locator('main').innerText(), 'America/Sao_Paulo')

    const campaign = await visit('/campaigns/new')
    await campaign.assertTextContains('[data-test-id="tenant-quiet-hours"]', '(Sao Paulo)')
    assert.notInclude(await campaign.locator('main').innerText(), 'America/Sao_Paulo')

    owner.locale = 'pt-BR'
    await owner.save()
    const portuguese = await visit('/settings/quiet-hours')
    await portuguese.setViewportSize({ width: 390, height: 844 })
    await portuguese.assertTextContains('[data-test-id="quiet-hours-form"]', 'Brasília')
    await capture(portuguese, 'quiet-hours-zone-pt-390')
  })

  test('picker suggests zones by name', async ({ visit, browserContext, assert }) => {
    const { owner } = await createTenantWithOwner('Zone picker')
    await browserContext.loginAs(owner)

    const page = await visit('/workspaces/new')
    await page.setViewportSize({ width: 1280, height: 900 })
    const field = page.locator('[data-test-id="workspace-timezone"]')
    await field.fill('America/Sao_Paulo')
    await page.assertTextContains('[data-test-id="time-zone-name"]', 'Brasilia')
    assert.equal(await field.inputValue(), 'America/Sao_Paulo')
    const option = page.locator('#workspace-time-zones option[value="America/Sao_Paulo"]')
    assert.match(String(await option.getAttribute('label')), /^Brasilia .*\(Sao Paulo\)$/)
    const labels = await page
      .locator('#workspace-time-zones option')
      .evaluateAll((options) => options.map((item) => (item as HTMLOptionElement).label))
    assert.isAbove(labels.length, 300)
    const collator = new Intl.Collator('en')
    const outOfOrder = labels.filter((label, index) => {
      return index > 0 && collator.compare(labels[index - 1], label) > 0
    })
    assert.deepEqual(outOfOrder, [])
    await capture(page, 'workspace-zone-1280')

    owner.locale = 'pt-BR'
    await owner.save()
    const portuguese = await visit('/workspaces/new')
    await portuguese.setViewportSize({ width: 390, height: 844 })
    await portuguese.locator('[data-test-id="workspace-timezone"]').fill('Europe/Lisbon')
    await portuguese.assertTextContains('[data-test-id="time-zone-name"]', 'Fuso horário:')
    await portuguese.assertTextContains('[data-test-id="time-zone-name"]', '(Lisbon)')
    await capture(portuguese, 'workspace-zone-pt-390')
  })
})
