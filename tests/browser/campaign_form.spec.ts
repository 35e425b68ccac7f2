import { test } from '@japa/runner'
import type { Page } from 'playwright'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { capture } from '#tests/helpers/browser_pages'

/** Returns the vertical centre of an element on the page, in pixels. */
async function verticalCentre(page: Page, selector: string) {
  const box = (await page.locator(selector).boundingBox())!
  return box.y + box.height / 2
}

test.group('Campaign form layout', () => {
  test('{locale} form without segments')
    .with([
      {
        locale: 'en',
        none: 'No segments yet.',
        create: 'Create a segment',
        noLists: 'No lists yet.',
        createList: 'Create a list',
      },
      {
        locale: 'pt-BR',
        none: 'Nenhum segmento ainda.',
        create: 'Criar um segmento',
        noLists: 'Nenhuma lista ainda.',
        createList: 'Criar uma lista',
      },
    ])
    .run(
      async ({ visit, browserContext, assert }, { locale, none, create, noLists, createList }) => {
        const { owner } = await createTenantWithOwner('Campaign form')
        owner.locale = locale
        await owner.save()
        await browserContext.loginAs(owner)
        const page: Page = await visit('/campaigns/new')
        await page.setViewportSize({ width: 1280, height: 900 })

        const empty = page.locator('[data-test-id="no-segments"]')
        assert.include(await empty.innerText(), none)
        const link = page.locator('[data-test-id="create-segment"]')
        assert.equal(await link.innerText(), create)
        assert.equal(await link.getAttribute('href'), '/segments/new')
        assert.include(await page.locator('[data-test-id="no-lists"]').innerText(), noLists)
        const listLink = page.locator('[data-test-id="create-list"]')
        assert.equal(await listLink.innerText(), createList)
        assert.equal(await listLink.getAttribute('href'), '/lists')

        const add = page.locator('[data-test-id="variable-add"]')
        await add.click()
        await add.click()
        const addBox = (await add.boundingBox())!
        const sectionBox = (await add.locator('xpath=..').boundingBox())!
        assert.isBelow(addBox.width, sectionBox.width / 2, 'Add variable keeps its own width')

        for (const index of [0, 1]) {
          const row = `[data-test-id="variable-remove-${index}"]`
          const input = `.inline-form:has(${row}) input >> nth=0`
          const offset = Math.abs(
            (await verticalCentre(page, row)) - (await verticalCentre(page, input))
          )
          assert.isBelow(offset, 2, `Remove ${index + 1} sits on the line of its inputs`)
        }
        await capture(page, `campaign-form-${locale}`)
      }
    )
    .timeout(60_000)
})
