import type { Page } from 'playwright'
import type { Assert } from '@japa/assert'

/**
 * Steps on the flow editor's canvas done with the mouse and keyboard, as a
 * person does, for browser tests.
 */

/**
 * Ids of the nodes of a type on the canvas, in DOM order. The editor names
 * a new node after its type with characters other than letters, digits,
 * `_` and `-` replaced by `-`, so `logic.condition` nodes are `logic-condition-…`.
 */
export async function nodeIdsOfType(page: Page, type: string) {
  const prefix = type.replace(/[^A-Za-z0-9_-]/g, '-')
  const ids = await page
    .locator(`[data-test-id^="flow-node-${prefix}-"]`)
    .evaluateAll((elements) => elements.map((element) => element.getAttribute('data-test-id')!))
  return ids.map((id) => id.replace('flow-node-', ''))
}

/** Drags a palette entry onto an empty corner of the canvas and returns the new node's id. */
export async function dropNode(page: Page, type: string) {
  const before = await nodeIdsOfType(page, type)
  const canvas = page.locator('[data-test-id="flow-canvas"]')
  const box = (await canvas.boundingBox())!
  await page.locator(`[data-test-id="palette-${type}"]`).dragTo(canvas, {
    targetPosition: { x: box.width - 160, y: box.height - 120 },
  })
  const after = await nodeIdsOfType(page, type)
  const added = after.find((id) => !before.includes(id))
  if (!added) throw new Error(`dropping ${type} added no node`)
  return added
}

/**
 * Waits until the canvas stops moving: the view and every step keep their
 * place from one frame to the next. A drag measured while the view still
 * moves, as after a selection centres its step, would miss its target.
 */
export async function waitCanvasStill(page: Page) {
  await page.waitForFunction(() => {
    const placeOf = () => {
      const pane = document.querySelector<HTMLElement>('.vue-flow__transformationpane')
      const steps = Array.from(document.querySelectorAll<HTMLElement>('.vue-flow__node'))
      return [pane?.style.transform, ...steps.map((step) => step.style.transform)].join(';')
    }
    const before = placeOf()
    return new Promise<boolean>((resolve) => {
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(placeOf() === before)))
    })
  })
}

/** Drags from a node's output port to another node's input with the mouse, as a person does. */
export async function connectPorts(page: Page, source: string, port: string, target: string) {
  await waitCanvasStill(page)
  const from = (await page.locator(`[data-test-id="flow-handle-${source}-${port}"]`).boundingBox())!
  const to = (await page
    .locator(`[data-test-id="flow-node-${target}"] .flow-handle-in`)
    .boundingBox())!
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2)
  await page.mouse.down()
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 })
  await page.mouse.up()
}

/** Drags from a node's output port and releases the mouse at a point of the page, in pixels. */
export async function dropPortAt(
  page: Page,
  source: string,
  port: string,
  point: { x: number; y: number }
) {
  await waitCanvasStill(page)
  const from = (await page.locator(`[data-test-id="flow-handle-${source}-${port}"]`).boundingBox())!
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2)
  await page.mouse.down()
  await page.mouse.move(point.x, point.y, { steps: 12 })
  await page.mouse.up()
}

/** Returns the centre of a node's card on the page, in pixels. */
export async function nodeCenter(page: Page, nodeId: string) {
  const box = (await page.locator(`[data-test-id="flow-node-${nodeId}"]`).boundingBox())!
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 }
}

/** Clicks Tidy and waits until its layout is applied and the canvas is still. */
export async function tidy(page: Page) {
  await page.locator('[data-test-id="flow-tidy"]').click()
  await page.locator('[data-test-id="flow-tidy"][aria-busy="false"]').waitFor()
  await waitCanvasStill(page)
}

/**
 * Waits until the problems list shows that the flow is ready to publish.
 * On timeout it fails with the problems the list shows instead.
 */
export async function waitReadyToPublish(page: Page) {
  const problems = page.locator('[data-test-id="flow-problems"]')
  try {
    await problems.getByText('The flow is ready to publish.').waitFor()
  } catch (error) {
    const listed = await problems.innerText().catch(() => 'no problems list')
    throw new Error(`the flow is not ready to publish, and the editor lists: ${listed}`, {
      cause: error,
    })
  }
}

export async function waitSaved(page: Page) {
  await page.locator('[data-test-id="save-status"][data-status="saved"]').waitFor()
}

export async function select(page: Page, nodeId: string) {
  await page.locator(`[data-test-id="flow-node-${nodeId}"] .flow-node-head`).click()
}

/**
 * Selects a node and checks its side panel: the title, and that the form
 * fits the panel's width at `width` px. Returns the panel.
 */
export async function openPanel(
  page: Page,
  assert: Assert,
  options: { nodeId: string; title: string; width: number }
) {
  await select(page, options.nodeId)
  const panel = page.locator('[data-test-id="flow-panel"]')
  assert.equal(await panel.locator('[data-test-id="flow-panel-title"]').innerText(), options.title)
  const widths = await panel.evaluate((element) => ({
    content: element.scrollWidth,
    box: element.clientWidth,
  }))
  assert.isAtMost(
    widths.content,
    widths.box,
    `${options.nodeId} panel overflows at ${options.width}`
  )
  return panel
}

export async function writeMessage(page: Page, nodeId: string, text: string) {
  await select(page, nodeId)
  const field = page.locator('[data-test-id="field-message-text"]')
  await field.fill(text)
}

export async function addKeyword(page: Page, index: number, word: string) {
  const input = page.locator(`[data-test-id="field-rules.${index}.keywords-input"]`)
  await input.fill(word)
  await input.press('Enter')
}

/**
 * Configures a Branch on reply node with a timeout and two keyword rules,
 * SIM on port `yes` and NÃO on port `item_2`, and waits until the draft is saved.
 */
export async function configureSimNao(
  page: Page,
  branch: string,
  timeout: { amount: number; unit: 'seconds' | 'minutes' | 'hours' | 'days' }
) {
  await select(page, branch)
  await page.locator('[data-test-id="field-timeout-amount"]').fill(String(timeout.amount))
  await page.locator('[data-test-id="field-timeout-unit"]').selectOption(timeout.unit)
  await page.locator('[data-test-id="field-rules.0.name-input"]').fill('SIM')
  const chips = page.locator('[data-test-id="field-rules.0.keywords"] .flow-chip button')
  while ((await chips.count()) > 0) {
    await chips.first().click()
  }
  await addKeyword(page, 0, 'SIM')
  await page.locator('[data-test-id="field-rules-add"]').click()
  await page.locator('[data-test-id="field-rules.1.name-input"]').fill('NÃO')
  await addKeyword(page, 1, 'NÃO')
  await waitSaved(page)
  await page.locator(`[data-test-id="flow-handle-${branch}-item_2"]`).waitFor()
}
