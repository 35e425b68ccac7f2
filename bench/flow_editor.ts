/// <reference lib="dom" />
/**
 * Opens a generated flow of 300 nodes (NODES to change it) in the editor in
 * headless Chromium and prints the JavaScript and CSS loaded before the first
 * node shows, the time to interactive, and the frame times while panning.
 * CPU_THROTTLE=4 slows the page's CPU four times through Chromium's
 * `Emulation.setCPUThrottlingRate`, to stand for a slower or busier machine.
 *
 *   PORT=3343 DB_CONNECTION=mysql DB_DATABASE=disparador_bench node --import @poppinss/ts-exec bench/flow_editor.ts
 *
 * Run `npx vite build` and `node ace migration:run` on that database first.
 * The script starts the web server of this checkout on 127.0.0.1:$PORT,
 * which serves the built client assets, creates a tenant and a campaign of
 * its own and leaves them behind.
 *
 * Time to interactive is measured in the page, from the navigation start to
 * the first animation frame after the canvas shows its nodes and the editor
 * reports the draft as checked. Frame times are the gaps between animation
 * frames during a 2-second drag of the canvas.
 */
import 'reflect-metadata'
import { Ignitor } from '@adonisjs/core'
import { chromium } from 'playwright'

const NODES = Number(process.env.NODES ?? 300)
const RUNS = Number(process.env.RUNS ?? 3)
const CPU_THROTTLE = Number(process.env.CPU_THROTTLE ?? 1)
const APP_ROOT = new URL('../', import.meta.url)
process.env.HOST = '127.0.0.1'
process.env.PROCESS_ROLES = 'web'

interface BenchNode {
  id: string
  type: string
  position: { x: number; y: number }
  config: Record<string, unknown>
}

/**
 * Groups of four nodes: a send, a branch on reply, and a send on its `yes`
 * and `no_reply` ports, both leading to the next group's send.
 */
function generateGraph(count: number) {
  const nodes: BenchNode[] = [
    { id: 'start', type: 'start', position: { x: 0, y: -200 }, config: {} },
  ]
  const edges: { id: string; source: string; sourcePort: string; target: string }[] = []
  const message = (text: string) => ({
    message: { templateId: null, text },
    media: null,
    instanceId: null,
  })
  const branch = {
    timeout: { amount: 1, unit: 'hours' },
    rules: [{ id: 'yes', name: 'SIM', match: 'keywords', keywords: ['sim'], pattern: null }],
  }
  const link = (source: string, sourcePort: string, target: string) =>
    edges.push({ id: `${source}-${sourcePort}-${target}`, source, sourcePort, target })

  let previous: string[] = []
  for (let group = 0; nodes.length < count; group++) {
    const y = group * 480
    const ask = `ask-${group}`
    nodes.push({
      id: ask,
      type: 'send',
      position: { x: 0, y },
      config: message(`Question ${group}, {{name|friend}}?`),
    })
    if (group === 0) link('start', 'next', ask)
    for (const source of previous) link(source, 'sent', ask)
    nodes.push({
      id: `branch-${group}`,
      type: 'branch_on_reply',
      position: { x: 0, y: y + 150 },
      config: branch,
    })
    link(ask, 'sent', `branch-${group}`)
    previous = []
    for (const [port, dx] of [
      ['yes', -220],
      ['no_reply', 220],
    ] as const) {
      const id = `${port}-${group}`
      nodes.push({
        id,
        type: 'send',
        position: { x: dx, y: y + 310 },
        config: message(`Answer ${port} ${group}`),
      })
      link(`branch-${group}`, port, id)
      previous.push(id)
    }
  }
  const kept = nodes.slice(0, count)
  const ids = new Set(kept.map((node) => node.id))
  return {
    nodes: kept,
    edges: edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target)),
  }
}

function percentile(values: number[], fraction: number) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]
}

async function createCampaign() {
  const { signUp } = await import('#services/account_service')
  const { runInTenant } = await import('#tenancy/tenant_context')
  const { default: Campaign } = await import('#models/campaign')
  const { default: Flow } = await import('#models/flow')
  const stamp = Date.now()
  const email = `bench-flow${stamp}@example.com`
  const password = 'correct horse battery'
  const { tenant } = await signUp({
    fullName: 'Bench',
    email,
    password,
    tenantName: `Bench ${stamp}`,
    workspaceLocale: 'en',
  })
  const campaign = await runInTenant(tenant.id, async () => {
    const created = await Campaign.create({ name: `Bench ${NODES} nodes`, state: 'draft' })
    await Flow.create({ campaignId: created.id, graph: generateGraph(NODES), revision: 0 })
    return created
  })
  return { email, password, campaignId: campaign.id }
}

async function measure(baseUrl: string, account: Awaited<ReturnType<typeof createCampaign>>) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
  const page = await browser.newPage({ viewport: { width: 1680, height: 1050 } })
  await page.goto(`${baseUrl}/login`)
  await page.locator('[data-test-id="field-email"]').fill(account.email)
  await page.locator('[data-test-id="field-password"]').fill(account.password)
  await page.locator('[data-test-id="login-submit"]').click()
  await page.waitForURL((url) => url.pathname === '/')

  // Warm up once with the cache off, so resource timing lists every file of the page.
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
  await page.goto(`${baseUrl}/campaigns/${account.campaignId}/flow`)
  await page.locator('.vue-flow__node').first().waitFor({ timeout: 60_000 })
  const loadedKb = await page.evaluate(
    () =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => /\.(js|css)(\?|$)/.test(entry.name))
        .reduce((sum, entry) => sum + (entry as PerformanceResourceTiming).decodedBodySize, 0) /
      1024
  )
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false })
  await page.waitForTimeout(3000)
  if (CPU_THROTTLE > 1) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLE })
  }

  const results: {
    interactive: number
    median: number
    p95: number
    max: number
    frames: number
  }[] = []
  for (let run = 0; run < RUNS; run++) {
    await page.goto(`${baseUrl}/campaigns/${account.campaignId}/flow`)
    const interactive = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const check = () => {
            const ready =
              document.querySelectorAll('.vue-flow__node').length > 0 &&
              document.querySelector('[data-test-id="flow-problems"]')
            if (ready) requestAnimationFrame(() => resolve(performance.now()))
            else requestAnimationFrame(check)
          }
          check()
        })
    )

    const box = (await page.locator('[data-test-id="flow-canvas"] .vue-flow__pane').boundingBox())!
    await page.evaluate(() => {
      const gaps: number[] = []
      let last = performance.now()
      const tick = (now: number) => {
        gaps.push(now - last)
        last = now
        if ((window as any).__benchFrames) requestAnimationFrame(tick)
      }
      ;(window as any).__benchFrames = gaps
      requestAnimationFrame(tick)
    })
    const startX = box.x + box.width - 60
    const startY = box.y + box.height / 2
    await page.mouse.move(startX, startY)
    await page.mouse.down()
    const started = Date.now()
    let step = 0
    while (Date.now() - started < 2000) {
      step++
      await page.mouse.move(startX - (step % 200) * 3, startY - (step % 200) * 4)
    }
    await page.mouse.up()
    const gaps: number[] = await page.evaluate(() => {
      const frames = (window as any).__benchFrames as number[]
      ;(window as any).__benchFrames = null
      return frames.slice(1)
    })
    results.push({
      interactive,
      median: percentile(gaps, 0.5),
      p95: percentile(gaps, 0.95),
      max: Math.max(...gaps),
      frames: gaps.length,
    })
  }
  await browser.close()
  return { loadedKb, results }
}

async function main() {
  const ignitor = new Ignitor(APP_ROOT, {
    importer: (filePath) =>
      filePath.startsWith('./') || filePath.startsWith('../')
        ? import(new URL(filePath, APP_ROOT).href)
        : import(filePath),
  })
  await ignitor.httpServer().start()
  const baseUrl = `http://127.0.0.1:${process.env.PORT ?? 3333}`

  const account = await createCampaign()
  const { loadedKb, results } = await measure(baseUrl, account)
  console.log(`nodes: ${NODES}, runs: ${RUNS}, cpu throttle: ${CPU_THROTTLE}x`)
  console.log(`js and css loaded by the first node: ${loadedKb.toFixed(0)} KB`)
  for (const [index, result] of results.entries()) {
    console.log(
      `run ${index + 1}: interactive ${result.interactive.toFixed(0)} ms, frames ${result.frames}, median ${result.median.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, max ${result.max.toFixed(1)} ms`
    )
  }
  await ignitor.terminate()
  process.exit(0)
}

await main()
