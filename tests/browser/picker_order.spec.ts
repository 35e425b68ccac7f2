import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import type { BrowserContext, Page } from 'playwright'
import { campaignSettings, sendNode } from '#tests/helpers/campaigns'
import { capture } from '#tests/helpers/browser_pages'
import { select } from '#tests/helpers/flow_canvas'
import { useSqliteServer } from '#tests/helpers/sqlite_server'
import { signUp, type WebSession } from '#tests/helpers/web_session'

/** Names of lists, segments, connections and templates, with accents, mixed case and numbers. */
const NAMES = ['Zé Lima', 'lista 10', 'Érica', 'Ávila', 'Lista 2', 'Bruno', 'ícaro']

/** NAMES as English and Brazilian Portuguese sort them, ignoring accents and case. */
const SORTED = ['Ávila', 'Bruno', 'Érica', 'ícaro', 'Lista 2', 'lista 10', 'Zé Lima']

/** Sends a form the way the pages do and fails unless the server redirects. */
async function submit(session: WebSession, method: string, path: string, body: object) {
  const response = await session.request(method, path, body as Record<string, unknown>)
  if (response.status !== 302 && response.status !== 303) {
    throw new Error(`${method} ${path} returned ${response.status}: ${await response.text()}`)
  }
  return response
}

/**
 * Creates a list, a segment, a sandbox connection, a template and a tag of
 * each name, in the order of NAMES, and a draft campaign whose flow has one
 * send step. Returns the campaign's id.
 */
async function createChoices(session: WebSession) {
  for (const name of NAMES) {
    await submit(session, 'POST', '/lists', { name })
    await submit(session, 'POST', '/segments', {
      name,
      rules: { match: 'all', rules: [{ type: 'consent', op: 'is', value: 'opted_in' }] },
    })
    await submit(session, 'POST', '/connections', { name, channel: 'sandbox' })
    await submit(session, 'POST', '/templates', { name, body: `Oi, ${name}` })
  }
  await submit(session, 'POST', '/contacts', {
    name: 'Tags',
    phone: '+5511987650001',
    timezone: 'America/Sao_Paulo',
    tags: NAMES.join(', '),
  })

  const created = await submit(session, 'POST', '/campaigns', campaignSettings('Pickers'))
  const campaignId = Number(created.headers.get('location')?.match(/^\/campaigns\/(\d+)/)?.[1])
  const { draft } = await session.props(`/campaigns/${campaignId}/flow`)
  await session.json('PUT', `/campaigns/${campaignId}/flow`, {
    revision: draft.revision,
    graph: { ...draft.graph, nodes: [...draft.graph.nodes, sendNode('hello', 'Oi')] },
  })
  return campaignId
}

/** Opens a page in the browser signed in as the session's member. */
async function pageAs(context: BrowserContext, session: WebSession) {
  await context.addCookies(
    session
      .cookieHeader()
      .split('; ')
      .map((pair) => {
        const index = pair.indexOf('=')
        return { name: pair.slice(0, index), value: pair.slice(index + 1), url: session.base }
      })
  )
  return context.newPage()
}

/** Returns the NAMES among the options of a select or data list, in the order shown. */
async function optionNames(page: Page, selector: string) {
  const options = page.locator(`${selector} option`)
  await options.first().waitFor({ state: 'attached' })
  // A data list's options have a value and no text.
  const texts = await options.evaluateAll((elements) =>
    elements.map((element) => {
      const option = element as HTMLOptionElement
      return option.label.trim() || option.value
    })
  )
  return texts.filter((text) => NAMES.includes(text))
}

/** Returns the NAMES of the checkboxes whose test id starts with `prefix`, in the order shown. */
async function checkboxNames(page: Page, prefix: string) {
  const labels = page.locator(`label:has(> input[data-test-id^="${prefix}"])`)
  await labels.first().waitFor()
  const texts = await labels.evaluateAll((elements) =>
    elements.map((element) => element.textContent!.trim().replace(/\s*\(.*\)$/, ''))
  )
  return texts.filter((text) => NAMES.includes(text))
}

/** Checks every picker of lists, segments, connections, tags and templates. */
async function checkPickers(assert: Assert, page: Page, base: string, campaignId: number) {
  await page.goto(`${base}/campaigns/new`)
  assert.deepEqual(await checkboxNames(page, 'list-'), SORTED, 'campaign form lists')
  assert.deepEqual(await checkboxNames(page, 'segment-'), SORTED, 'campaign form segments')
  assert.deepEqual(await checkboxNames(page, 'instance-'), SORTED, 'campaign form numbers')
  await capture(page, 'picker-order-campaign-form')

  await page.goto(`${base}/campaigns/${campaignId}/flow`)
  await select(page, 'hello')
  const templates = await optionNames(page, '[data-test-id="field-message-template"]')
  assert.deepEqual(templates, SORTED, 'send step templates')
  const instances = await optionNames(page, '[data-test-id="field-instanceId-input"]')
  assert.deepEqual(instances, SORTED, 'send step numbers')
  await capture(page, 'picker-order-send-step')

  await page.goto(`${base}/segments/new`)
  assert.deepEqual(await optionNames(page, '#segment-tags'), SORTED, 'segment tag suggestions')
  await page.locator('[data-test-id="add-rule"]').click()
  await page.locator('[data-test-id="rule-type"]').selectOption('list')
  const ruleLists = await optionNames(page, '[data-test-id="rule-value"]')
  assert.deepEqual(ruleLists, SORTED, 'segment rule lists')

  await page.goto(`${base}/inbox`)
  const inboxNumbers = await optionNames(page, '[data-test-id="inbox-filter-instance"]')
  assert.deepEqual(inboxNumbers, SORTED, 'inbox number filter')
  const inboxTags = await optionNames(page, '[data-test-id="inbox-filter-tag"]')
  assert.deepEqual(inboxTags, SORTED, 'inbox tag filter')

  await page.goto(`${base}/contacts`)
  const contactLists = await optionNames(page, '[data-test-id="contacts-filter-list"]')
  assert.deepEqual(contactLists, SORTED, 'contacts list filter')

  await page.goto(`${base}/simulator`)
  const simulated = await optionNames(page, '[data-test-id="simulator-instance"]')
  assert.deepEqual(simulated, SORTED, 'simulator numbers')
}

// MariaDB's case- and accent-insensitive collation already sorts accented
// names, but puts "lista 10" before "Lista 2".
test.group('Picker order', () => {
  test('pickers sort names in Portuguese', async ({ browserContext, assert }) => {
    const base = `http://127.0.0.1:${process.env.PORT}`
    const session = await signUp(base, `pickers.${Date.now()}`)
    await submit(session, 'PUT', '/profile/locale', { locale: 'pt-BR' })
    const campaignId = await createChoices(session)

    const page = await pageAs(browserContext, session)
    await checkPickers(assert, page, base, campaignId)
  }).timeout(120_000)
})

/** Port of the SQLite server, apart from the suite's own and the other SQLite tests'. */
const PORT = Number(process.env.PORT ?? 3334) + 29

// SQLite compares names byte by byte, so its order puts "Ávila" after "Zé Lima".
test.group('Picker order on SQLite', (group) => {
  const base = `http://127.0.0.1:${PORT}`
  useSqliteServer(group, {
    name: 'pickers',
    port: PORT,
    roles: ['web', 'worker'],
    connection: 'sqlite_pickers',
    pages: true,
  })

  test('pickers sort accented names', async ({ browserContext, assert }) => {
    const session = await signUp(base, `sqlite.pickers.${Date.now()}`)
    const campaignId = await createChoices(session)

    const page = await pageAs(browserContext, session)
    await checkPickers(assert, page, base, campaignId)
  }).timeout(180_000)
})
