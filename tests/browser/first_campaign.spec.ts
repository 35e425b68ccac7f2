import { test } from '@japa/runner'
import { createHmac } from 'node:crypto'
import { mkdir, readFile, readdir, rm } from 'node:fs/promises'
import { DateTime } from 'luxon'
import type { Browser, BrowserContext, Locator, Page } from 'playwright'
import app from '@adonisjs/core/services/app'
import env from '#start/env'
import Campaign from '#models/campaign'
import Contact from '#models/contact'
import Journey from '#models/journey'
import Message from '#models/message'
import Tenant from '#models/tenant'
import User from '#models/user'
import { runInTenant } from '#tenancy/tenant_context'
import type { RunningProcess } from '#tests/helpers/processes'
import {
  buildApplication,
  freePort,
  runToEnd,
  startBuiltServer,
  stopServer,
} from '#tests/helpers/built_server'
import { startReceiver, waitFor, type Receiver } from '#tests/helpers/webhooks'
import { funnelFromCsv, messageTableCounts } from '#tests/helpers/reports'
import {
  configureSimNao,
  connectPorts,
  dropNode,
  select,
  tidy,
  waitSaved,
  writeMessage,
} from '#tests/helpers/flow_canvas'

/**
 * A newcomer's first campaign, through the UI of a production build that runs
 * web, worker and channels in one process, as `script/server` starts it, on
 * the test's MariaDB. The campaign's waits are the flow's own settings: one
 * to two seconds between sends and a reply timeout of a few seconds.
 */

/** Expected import reports of the example files for a tenant that has none of their contacts. */
const IMPORTS = [
  { file: 'excel-ptbr.csv', created: 6, duplicates: 2, rejected: 1, warned: 2 },
  { file: 'google-contacts.csv', created: 4, duplicates: 0, rejected: 0, warned: 0 },
]
const AUDIENCE = 10
const YES = { name: 'Luís Gonçalves', phone: '+5511987654321' }
const STOP = { name: 'Marina Teixeira', phone: '+5511991230101' }

const TEXTS = {
  template:
    'Olá {{primeiro_nome|cliente}}! Sábado tem *café* na loja. Você vem? Responda SIM ou NÃO.',
  confirmed: 'Que ótimo! Até sábado.',
  declined: 'Tudo bem, fica para a próxima.',
  silent: 'Ainda dá tempo: responda SIM para confirmar.',
  answer: 'Oi Luís, guardamos um lugar para você. *Até sábado!*',
}
const REPLY_TIMEOUT_SECONDS = 15

/** Every event a campaign run makes, which the webhook receiver must get. */
const RUN_EVENTS = [
  'import:finished',
  'instance:status_changed',
  'campaign:started',
  'campaign:finished',
  'message:queued',
  'message:sent',
  'message:delivered',
  'message:read',
  'message:received',
  'contact:opted_out',
]

/** Audit log actions each run must leave. */
const AUDITED = [
  'auth.signed_in',
  'webhook.endpoint_created',
  'instance.connected',
  'import.started',
  'import.finished',
  'template.created',
  'settings.quiet_hours_changed',
  'flow.published',
  'campaign.started',
  'campaign.finished',
  'contact.opted_out',
  'report.exported',
]

interface Run {
  account: 'demo' | 'signup'
  locale: 'en' | 'pt-BR'
}

interface Session {
  base: string
  context: BrowserContext
  page: Page
  locale: Run['locale']
  step: number
}

/**
 * Saves a full-page screenshot of a step when SCREENSHOT_DIR is set, into
 * one folder per language, for the walkthrough in docs/; the test never
 * compares images.
 */
async function capture(session: Session, name: string, page = session.page) {
  session.step += 1
  if (!process.env.SCREENSHOT_DIR) {
    return
  }
  const folder = `${process.env.SCREENSHOT_DIR}/${session.locale}`
  await mkdir(folder, { recursive: true })
  const number = String(session.step).padStart(2, '0')
  await page.screenshot({
    path: `${folder}/${number}-${name}.png`,
    fullPage: true,
    animations: 'disabled',
  })
}

/**
 * Replies to the contact from the inbox and waits until the reply, found by
 * `plainWords` (words of its text outside any formatting), shows as read.
 * Returns the stored reply and its ticks as the page shows them.
 */
async function answerFromInbox(
  session: Session,
  tenantId: number,
  name: string,
  text: string,
  plainWords: string
) {
  const { page } = session
  await go(session, '/inbox')
  await page.locator('[data-test-id="inbox"][data-live="ready"]').waitFor({ timeout: 60_000 })
  await page.locator('[data-test-id="conversation-row"]', { hasText: name }).click()
  await page.locator('[data-test-id="conversation-pane"]').waitFor()
  await page.locator('[data-test-id="composer-text"]').fill(text)
  await page.locator('[data-test-id="composer-send"]').click()

  const bubble = page.locator('[data-test-id="inbox-message"]', { hasText: plainWords })
  await bubble.and(page.locator('[data-status="read"]')).waitFor()
  const ticks = bubble.locator('[data-test-id="inbox-ticks"]')
  await capture(session, 'inbox')
  const answer = await runInTenant(tenantId, () =>
    Message.query().where('direction', 'out').where('body', text).firstOrFail()
  )
  return { answer, ticks: await ticks.innerText(), ticksClass: await ticks.getAttribute('class') }
}

/** Opens the campaign list in a new tab and waits for the running campaign's live progress. */
async function watchCampaignList(session: Session, campaignId: number) {
  const list = await session.context.newPage()
  await list.goto(`${session.base}/campaigns`, { waitUntil: 'commit' })
  await list
    .locator(`[data-test-id="campaign-row-${campaignId}"] [data-test-id="campaign-progress"]`)
    .waitFor()
  await capture(session, 'campaigns', list)
  await list.close()
}

/** Reads the number an element shows, dropping thousands separators and words. */
async function numberIn(locator: Locator) {
  const text = await locator.innerText()
  return Number(text.replace(/\D/g, ''))
}

async function go(session: Session, path: string) {
  await session.page.goto(`${session.base}${path}`, { waitUntil: 'commit' })
}

async function readDemoLogin(file: string) {
  const text = await readFile(file, 'utf8')
  const email = text.match(/e-mail:\s+(\S+)/)?.[1]
  const password = text.match(/password:\s+(\S+)/)?.[1]
  if (!email || !password) {
    throw new Error(`The demo login file ${file} has no e-mail and password:\n${text}`)
  }
  return { email, password }
}

async function signIn(session: Session, run: Run, loginFile: string) {
  const { page } = session
  if (run.account === 'demo') {
    const { email, password } = await readDemoLogin(loginFile)
    await go(session, '/login')
    await page.locator('input[name="email"]').fill(email)
    await page.locator('input[name="password"]').fill(password)
    await capture(session, 'login')
    await page.locator('[data-test-id="login-submit"]').click()
    await page.waitForURL(`${session.base}/`, { waitUntil: 'commit' })
    return email
  }

  const email = `first-${Date.now()}@example.com`
  await go(session, '/login')
  await page.locator('[data-test-id="signup-link"]').click()
  await page.locator('[data-test-id="signup-form"]').waitFor()
  await page.locator('input[name="fullName"]').fill('Rita Moreira')
  await page.locator('input[name="tenantName"]').fill('Padaria Moreira')
  await page.locator('input[name="email"]').fill(email)
  await page.locator('input[name="password"]').fill('pão de queijo quentinho')
  await capture(session, 'signup')
  await page.locator('[data-test-id="signup-submit"]').click()
  await page.waitForURL(`${session.base}/`, { waitUntil: 'commit' })
  return email
}

/** Adds an endpoint for every event and returns its secret, shown once after creation. */
async function addWebhook(session: Session, receiver: Receiver) {
  const { page } = session
  await page.locator('[data-test-id="plugin-nav-webhooks"]').click()
  await page.waitForURL(/\/plugins\/webhooks\/endpoints$/, { waitUntil: 'commit' })
  await page.locator('[data-test-id="field-url"]').fill(receiver.url)
  for (const box of await page.locator('[data-test-id^="event-"]').all()) {
    await box.check()
  }
  await capture(session, 'webhook-form')
  await page.locator('[data-test-id="webhook-submit"]').click()
  await page.waitForURL(/\/plugins\/webhooks\/endpoints\/\d+$/, { waitUntil: 'commit' })
  const shown = await page.locator('[data-test-id="webhook-secret"]').innerText()
  return shown.match(/whsec_\S+/)![0]
}

/** Creates a sandbox number and pairs it by clicking its QR code in the phone simulator. */
async function connectNumber(session: Session, name: string) {
  const { page, context } = session
  await go(session, '/connections')
  await page.locator('[data-test-id="connection-name"]').fill(name)
  await page.locator('[data-test-id="connection-channel"]').selectOption('sandbox')
  await page.locator('[data-test-id="connection-form"] details summary').click()
  await page.locator('[data-test-id="config-deliveredDelayMs"]').fill('300')
  await page.locator('[data-test-id="config-readDelayMs"]').fill('700')
  await page.locator('[data-test-id="connection-create"]').click()

  const card = page.locator('section.connection', { hasText: name })
  await card.waitFor()
  const instanceId = Number((await card.getAttribute('data-test-id'))!.replace('connection-', ''))
  await card.locator('[data-test-id="action-connect"]').click()
  await card.locator('[data-test-id="connection-qr"] img').waitFor()
  await capture(session, 'connection-qr')

  const simulator = await context.newPage()
  await simulator.goto(`${session.base}/simulator?instance=${instanceId}`, { waitUntil: 'commit' })
  await simulator.locator('[data-test-id="simulator-scan"]').waitFor()
  await capture(session, 'simulator-scan', simulator)
  await simulator.locator('[data-test-id="simulator-scan"]').click()
  await page.locator(`[data-test-id="connection-${instanceId}"][data-status="open"]`).waitFor()
  await capture(session, 'connection-open')
  await simulator.close()
  return instanceId
}

async function createList(session: Session, name: string) {
  const { page } = session
  await go(session, '/lists')
  await page.locator('[data-test-id="list-name"]').fill(name)
  await page.locator('[data-test-id="list-form"] button[type="submit"]').click()
  await page.waitForURL(/\/lists\/\d+$/, { waitUntil: 'commit' })
  return Number(new URL(page.url()).pathname.split('/').pop())
}

/**
 * Uploads one example file, keeps the guessed mapping, puts the contacts in
 * the list and returns the report's counts once the progress bar is full.
 * In the demo tenant the seed imported the same files, so its contacts are
 * updated there instead of created.
 */
async function importFile(session: Session, file: string, listName: string) {
  const { page } = session
  await go(session, '/contacts/imports/new')
  await page
    .locator('[data-test-id="import-file"]')
    .setInputFiles(app.makePath('tests/fixtures/contacts', file))
  await page.locator('[data-test-id="import-upload-submit"]').click()
  await page.waitForURL(/\/contacts\/imports\/\d+$/, { waitUntil: 'commit' })
  await page.locator('[data-test-id="import-mapping"]').waitFor()
  await page.locator('input[type="radio"][value="update"]').check()
  await page.locator('label', { hasText: listName }).locator('input[type="checkbox"]').check()
  if (file === IMPORTS[0].file) await capture(session, 'import-mapping')
  await page.locator('[data-test-id="import-start"]').click()

  const progress = page.locator('[data-test-id="import-progress"]')
  await page.locator('[data-test-id="import-progress"][data-status="finished"]').waitFor()
  await page.locator('[data-test-id="import-report"]').waitFor()
  if (file === IMPORTS[0].file) await capture(session, 'import-report')
  const count = (key: string) => numberIn(page.locator(`[data-test-id="count-${key}"]`))
  return {
    percent: await progress.getAttribute('aria-valuenow'),
    created: await count('created'),
    updated: await count('updated'),
    duplicates: await count('duplicates'),
    rejected: await count('rejected'),
    warned: await count('warned'),
  }
}

/** Writes the invitation template and returns the text of the editor's phone preview. */
async function writeTemplate(session: Session, name: string) {
  const { page } = session
  await go(session, '/templates/new')
  await page.locator('[data-test-id="template-name"]').fill(name)
  await page.locator('[data-test-id="template-body"]').fill(TEXTS.template)
  const bubble = page.locator('[data-test-id="phone-bubble"]')
  await bubble.locator('strong').getByText('café').waitFor()
  const preview = await bubble.innerText()
  await capture(session, 'template')
  await page.locator('[data-test-id="template-save"]').click()
  await page.waitForURL(/\/templates\/\d+$/, { waitUntil: 'commit' })
  return preview
}

/** Turns on the tenant's quiet hours for a window hours away from now, from the settings page. */
async function setTenantQuietHours(session: Session, timeZone: string) {
  const { page } = session
  const now = DateTime.now().setZone(timeZone)
  await go(session, '/settings/quiet-hours')
  await page.locator('[data-test-id="quiet-hours-enabled"]').check()
  await page.locator('[data-test-id="quiet-start"]').fill(now.plus({ hours: 8 }).toFormat('HH:mm'))
  await page.locator('[data-test-id="quiet-end"]').fill(now.plus({ hours: 9 }).toFormat('HH:mm'))
  await page.locator('[data-test-id="quiet-hours-save"]').click()
  await page.locator('[data-test-id="flash-success"]').waitFor()
  await capture(session, 'quiet-hours')
}

/**
 * Fills the campaign's settings: the list, the number, a start time (the
 * current minute, so the start is due at once), one to two seconds between
 * sends, a pause window and quiet hours that lie hours away from now.
 */
async function fillSettings(
  session: Session,
  names: { campaign: string; list: string; instance: string },
  timeZone: string
) {
  const { page } = session
  await go(session, '/campaigns/new')
  await page.locator('[data-test-id="field-name"]').fill(names.campaign)
  const settings = page.locator('[data-test-id="campaign-settings"]')
  await settings.locator('label', { hasText: names.list }).locator('input').check()
  await page
    .locator('[data-test-id="audience-count"]')
    .getByText(new RegExp(`\\b${AUDIENCE}\\b`))
    .waitFor()
  await settings.locator('label', { hasText: names.instance }).locator('input').check()

  const now = DateTime.now().setZone(timeZone)
  await settings.locator('input[type="radio"][value="at"]').check()
  await page.locator('[data-test-id="field-starts-at"]').fill(now.toFormat("yyyy-MM-dd'T'HH:mm"))

  const numbers = settings.locator('input[type="number"]')
  await numbers.nth(0).fill('1')
  await numbers.nth(1).fill('2')
  await numbers.nth(3).fill('50')
  await numbers.nth(4).fill('1')

  await settings.locator('input[type="radio"]').nth(3).check()
  const times = settings.locator('.flow-window input[type="time"]')
  await times.nth(0).fill(now.plus({ hours: 8 }).toFormat('HH:mm'))
  await times.nth(1).fill(now.plus({ hours: 9 }).toFormat('HH:mm'))
  await capture(session, 'campaign-settings')
  await page.locator('[data-test-id="campaign-save"]').click()
  await page.waitForURL(/\/campaigns\/\d+\/flow$/, { waitUntil: 'commit' })
  await page.locator('[data-test-id="flow-node-start"]').waitFor()
  return Number(new URL(page.url()).pathname.split('/')[2])
}

/**
 * Draws Send → Branch on reply (SIM, NÃO, no reply after a few seconds) →
 * a different Send on each port, then publishes it.
 */
async function drawFlow(session: Session, templateName: string) {
  const { page } = session
  await page.setViewportSize({ width: 1680, height: 1050 })

  const invite = await dropNode(page, 'send')
  await connectPorts(page, 'start', 'next', invite)
  await tidy(page)
  await select(page, invite)
  await page
    .locator('[data-test-id="field-message-template"]')
    .selectOption({ label: templateName })

  const branch = await dropNode(page, 'branch_on_reply')
  await connectPorts(page, invite, 'sent', branch)
  await tidy(page)
  await configureSimNao(page, branch, { amount: REPLY_TIMEOUT_SECONDS, unit: 'seconds' })

  const answers: Record<string, string> = {
    yes: TEXTS.confirmed,
    item_2: TEXTS.declined,
    no_reply: TEXTS.silent,
  }
  const sends: Record<string, string> = {}
  for (const [port, text] of Object.entries(answers)) {
    const send = await dropNode(page, 'send')
    await connectPorts(page, branch, port, send)
    await tidy(page)
    await writeMessage(page, send, text)
    sends[port] = send
  }
  await waitSaved(page)
  await page.locator('[data-test-id="flow-fit"]').click()
  await page.locator('[data-test-id="flow-problems"] [data-node-id]').first().waitFor({
    state: 'detached',
  })
  await capture(session, 'flow')

  await page.locator('[data-test-id="flow-publish"]').click()
  await page.locator('[data-test-id="flow-notice"]').waitFor()
  await page.locator('[data-test-id="flow-version-1"]').waitFor()
  return { invite, branch, sends }
}

/**
 * Waits in the simulator for the contact's invitation and for its journey to
 * wait at the branch, as a person reads before answering, then replies with
 * `text`.
 */
async function replyFromSimulator(
  session: Session,
  run: { tenantId: number; campaignId: number; instanceId: number },
  contact: { name: string; phone: string },
  text: string
) {
  const { instanceId } = run
  const simulator = await session.context.newPage()
  await simulator.goto(`${session.base}/simulator?instance=${instanceId}`, { waitUntil: 'commit' })
  await simulator
    .locator('[data-test-id="simulator-contact"]')
    .selectOption({ label: `${contact.name} · ${contact.phone}` })
  await simulator
    .locator('[data-test-id="simulator-message"][data-direction="out"]')
    .getByText('café')
    .waitFor({ timeout: 60_000 })
  await waitFor(
    () => journeyWaitsForReply(run.tenantId, run.campaignId, contact.phone),
    `the journey of ${contact.name} to wait for a reply`
  )
  await simulator.locator('[data-test-id="simulator-draft"]:not([disabled])').fill(text)
  await simulator.locator('[data-test-id="simulator-send"]').click()
  await simulator.locator('[data-test-id="simulator-message"][data-direction="in"]').waitFor()
  return simulator
}

async function funnelOnPage(page: Page) {
  const stages = ['enrolled', 'sent', 'delivered', 'read', 'replied', 'failed', 'opted_out']
  const values: Record<string, number> = {}
  for (const stage of stages) {
    values[stage] = await numberIn(page.locator(`[data-test-id="funnel-${stage}"]`))
  }
  return values
}

async function journeyWaitsForReply(tenantId: number, campaignId: number, phone: string) {
  const journey = await runInTenant(tenantId, () =>
    Journey.query()
      .where('campaign_id', campaignId)
      .whereIn('contact_id', Contact.query().where('phone', phone).select('id'))
      .first()
  )
  return journey?.state === 'awaiting_reply'
}

/** Checks the `t=<seconds>,v1=<hex>` header against the raw body with the endpoint's secret. */
function signatureValid(secret: string, header: string | undefined, body: Buffer) {
  const parts = Object.fromEntries((header ?? '').split(',').map((part) => part.split('=', 2)))
  const expected = createHmac('sha256', secret).update(`${parts.t}.`).update(body).digest('hex')
  const fresh = Math.abs(Date.now() / 1000 - Number(parts.t)) < 300
  return fresh && parts.v1 === expected
}

test.group('First campaign', (group) => {
  const outDir = app.tmpPath(`first-campaign-build-${process.pid}`)
  const loginFile = app.tmpPath(`first-campaign-login-${process.pid}.txt`)
  // Outside the build, as script/server sets it, so files outlive a new build.
  const storageDir = app.tmpPath(`first-campaign-storage-${process.pid}`)
  let server: RunningProcess | undefined
  let base = ''

  group.setup(async () => {
    const port = await freePort()
    const serverEnv = {
      NODE_ENV: 'production',
      PROCESS_ROLES: 'web,worker,channels',
      PORT: String(port),
      HOST: '127.0.0.1',
      APP_URL: `http://127.0.0.1:${port}`,
      APP_KEY: env.get('APP_KEY').release(),
      SESSION_DRIVER: 'cookie',
      DEMO_LOGIN_FILE: loginFile,
      STORAGE_PATH: storageDir,
      REDIS_PREFIX: `${env.get('REDIS_PREFIX')}-first-campaign`,
      WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
      LOG_LEVEL: 'info',
    }
    const seed = await runToEnd(['ace', 'db:seed'], { ...serverEnv, NODE_ENV: 'development' })
    if (seed.code !== 0) {
      throw new Error(`node ace db:seed failed:\n${seed.output}`)
    }
    await buildApplication(outDir)
    server = await startBuiltServer(outDir, serverEnv)
    base = `http://127.0.0.1:${port}`
  })

  group.teardown(async () => {
    await stopServer(server)
    await rm(outDir, { recursive: true, force: true })
    await rm(`${outDir}.tsconfig.json`, { force: true })
    await rm(loginFile, { force: true })
    await rm(storageDir, { recursive: true, force: true })
  })

  test('{account} account in {locale}')
    .with<Run[]>([
      { account: 'demo', locale: 'en' },
      { account: 'signup', locale: 'pt-BR' },
    ])
    .run(async ({ browser, assert }, run) => {
      const receiver = await startReceiver([200])
      const context = await (browser as Browser).newContext({
        locale: run.locale,
        viewport: { width: 1366, height: 900 },
      })
      context.on('page', (opened) => opened.on('dialog', (dialog) => dialog.accept()))
      const page = await context.newPage()
      const session: Session = { base, context, page, locale: run.locale, step: 0 }
      const stamp = Date.now().toString(36)
      const names = {
        instance: `Loja ${stamp}`,
        list: `Clientes ${stamp}`,
        template: `Convite ${stamp}`,
        campaign: `Sábado na loja ${stamp}`,
      }

      try {
        const email = await signIn(session, run, loginFile)
        const user = await User.findByOrFail('email', email)
        const tenant = await Tenant.findOrFail(user.currentTenantId)
        await capture(session, 'dashboard')

        const secret = await addWebhook(session, receiver)
        const instanceId = await connectNumber(session, names.instance)

        await createList(session, names.list)
        const existing = run.account === 'demo'
        for (const expected of IMPORTS) {
          const report = await importFile(session, expected.file, names.list)
          assert.equal(report.percent, '100', expected.file)
          assert.equal(report.created, existing ? 0 : expected.created, expected.file)
          assert.equal(report.updated, existing ? expected.created : 0, expected.file)
          assert.equal(report.duplicates, expected.duplicates, expected.file)
          assert.equal(report.rejected, expected.rejected, expected.file)
          assert.equal(report.warned, expected.warned, expected.file)
        }
        const stored = await readdir(`${storageDir}/imports/${tenant.id}`)
        assert.isAbove(stored.length, 0, 'the uploads are not under STORAGE_PATH')
        await go(session, '/lists')
        await page.locator('a', { hasText: names.list }).click()
        await page.locator('[data-test-id="list-phones"]').waitFor()
        await capture(session, 'list')

        const preview = await writeTemplate(session, names.template)
        assert.notInclude(preview, '*')
        assert.notInclude(preview, '{{')

        await setTenantQuietHours(session, tenant.timezone)
        const quiet = await Tenant.findOrFail(tenant.id)
        assert.isNotNull(quiet.quietHours)

        const campaignId = await fillSettings(session, names, tenant.timezone)
        const nodes = await drawFlow(session, names.template)
        const saved = await runInTenant(tenant.id, () => Campaign.findOrFail(campaignId))
        assert.equal(saved.minIntervalSeconds, 1)
        assert.equal(saved.maxIntervalSeconds, 2)
        assert.equal(saved.pauseAfterSends, 50)
        assert.equal(saved.pauseMinutes, 1)
        assert.equal(saved.quietHours.mode, 'custom')
        assert.equal(saved.startMode, 'at')

        const startedAt = DateTime.utc()
        await page.locator('[data-test-id="campaign-start"]').click()
        await page.locator('[data-test-id="flow-totals"]').waitFor()
        const [replies] = await Promise.all([
          Promise.all([
            replyFromSimulator(
              session,
              { tenantId: tenant.id, campaignId, instanceId },
              YES,
              'sim'
            ),
            replyFromSimulator(
              session,
              { tenantId: tenant.id, campaignId, instanceId },
              STOP,
              'PARAR'
            ),
          ]),
          watchCampaignList(session, campaignId),
        ])
        await capture(session, 'simulator-reply', replies[0])

        await waitFor(
          async () => {
            const campaign = await runInTenant(tenant.id, () => Campaign.findOrFail(campaignId))
            return campaign.state === 'finished'
          },
          'the campaign to finish',
          90_000
        )
        await page
          .locator(`[data-test-id="flow-port-count-${nodes.branch}-no_reply"]`)
          .getByText(String(AUDIENCE - 2), { exact: true })
          .waitFor()
        assert.equal(
          await page.locator(`[data-test-id="flow-port-count-${nodes.invite}-sent"]`).innerText(),
          String(AUDIENCE)
        )
        assert.equal(
          await page.locator(`[data-test-id="flow-port-count-${nodes.branch}-yes"]`).innerText(),
          '1'
        )
        await capture(session, 'flow-counts')

        await replies[0]
          .locator('[data-test-id="simulator-message"][data-direction="out"]')
          .getByText(TEXTS.confirmed)
          .waitFor()
        await capture(session, 'simulator-branch', replies[0])
        for (const opened of replies) await opened.close()

        const { answer, ticks, ticksClass } = await answerFromInbox(
          session,
          tenant.id,
          YES.name,
          TEXTS.answer,
          'guardamos um lugar'
        )
        assert.equal(ticks, '✓✓')
        assert.include(ticksClass, 'read')
        assert.isNull(answer.campaignId)
        assert.equal(answer.status, 'read')
        assert.isTrue(answer.sentAt! <= answer.deliveredAt!, 'delivered after sent')
        assert.isTrue(answer.deliveredAt! <= answer.readAt!, 'read after delivered')

        await go(session, '/campaigns')
        const bar = page.locator(
          `[data-test-id="campaign-row-${campaignId}"] [data-test-id="campaign-progress"] progress`
        )
        assert.equal(
          await bar.getAttribute('value'),
          String(AUDIENCE),
          'finished campaign progress'
        )

        const messages = await runInTenant(tenant.id, () =>
          Message.query().where('campaign_id', campaignId).orderBy('id')
        )
        const outbound = messages.filter((message) => message.direction === 'out')
        const bodiesTo = (phone: string) =>
          outbound.filter((message) => message.address === phone).map((message) => message.body)
        assert.lengthOf(bodiesTo(YES.phone), 2)
        assert.include(bodiesTo(YES.phone)[0], 'Luís')
        assert.equal(bodiesTo(YES.phone)[1], TEXTS.confirmed)
        assert.lengthOf(bodiesTo(STOP.phone), 1)
        const stopped = await runInTenant(tenant.id, () =>
          Contact.findByOrFail('phone', STOP.phone)
        )
        assert.equal(stopped.consent, 'opted_out')
        const silentCount = outbound.filter((message) => message.body === TEXTS.silent).length
        assert.equal(silentCount, AUDIENCE - 2)
        assert.lengthOf(outbound, AUDIENCE + 1 + (AUDIENCE - 2))
        // The invitations are queued together, so pacing alone spreads them at least a second
        // apart. The stored times have whole seconds, which costs one second of slack.
        const inviteTimes = outbound
          .filter((message) => message.body?.includes('café'))
          .map((message) => message.sentAt!.toMillis())
        const spread = Math.max(...inviteTimes) - Math.min(...inviteTimes)
        assert.isAtLeast(spread, (AUDIENCE - 2) * 1000, 'invitations spread by pacing')
        assert.isTrue(
          outbound.every((message) => message.queuedAt! >= startedAt.minus({ seconds: 1 })),
          'every message was queued after the start'
        )

        await waitFor(
          async () => {
            const counts = await messageTableCounts(campaignId)
            return counts.read === counts.sent
          },
          'every campaign message to be read',
          30_000
        )
        const expected = await messageTableCounts(campaignId)
        let funnel: Record<string, number> = {}
        await waitFor(
          async () => {
            await go(session, `/plugins/reports/campaigns/${campaignId}`)
            await page.locator('[data-test-id="funnel-sent"]').waitFor()
            funnel = await funnelOnPage(page)
            return funnel.read === expected.read && funnel.replied === expected.replied
          },
          'the report to count every receipt',
          30_000
        )
        await capture(session, 'report')
        const table: Record<string, number> = { ...expected, opted_out: expected.optedOut }
        for (const stage of Object.keys(funnel)) {
          assert.equal(funnel[stage], table[stage], stage)
        }

        const download = page.waitForEvent('download')
        await page.locator('[data-test-id="export-funnel"]').click()
        const file = await download
        const csv = await readFile((await file.path())!, 'utf8')
        const exported = funnelFromCsv(csv)
        for (const stage of Object.keys(funnel)) {
          assert.equal(exported[stage], table[stage], `csv ${stage}`)
        }

        const events = () =>
          receiver.requests.map((request) => JSON.parse(request.body.toString('utf8')))
        await waitFor(
          () =>
            events().filter(
              (event) => event.event === 'message:read' && event.data.campaignId === campaignId
            ).length === expected.read,
          'a webhook for every read receipt',
          30_000
        )
        for (const request of receiver.requests) {
          assert.isTrue(
            signatureValid(
              secret,
              request.headers['x-disparador-signature'] as string,
              request.body
            ),
            `signature of ${request.headers['x-disparador-event']}`
          )
        }
        const received = new Set(events().map((event) => event.event))
        for (const name of RUN_EVENTS) {
          assert.isTrue(received.has(name), `webhook event ${name}`)
        }
        const outboundIds = outbound.map((message) => message.id)
        const webhookIds = (stage: string) =>
          events()
            .filter(
              (event) => event.event === `message:${stage}` && event.data.campaignId === campaignId
            )
            .map((event) => event.data.messageId)
        assert.sameMembers(webhookIds('queued'), outboundIds, 'message:queued webhooks')
        assert.sameMembers(webhookIds('read'), outboundIds, 'message:read webhooks')
        // A receipt that overtakes an earlier one moves the message past that stage without
        // its event, so `sent` and `delivered` may each miss a message, but never repeat one.
        for (const stage of ['sent', 'delivered']) {
          const ids = webhookIds(stage)
          assert.lengthOf(new Set(ids), ids.length, `message:${stage} webhooks repeat none`)
          assert.includeMembers(outboundIds, ids, `message:${stage} webhooks`)
        }

        await page.locator('[data-test-id="plugin-nav-audit"]').click()
        await page.waitForURL(/\/plugins\/audit\/entries/, { waitUntil: 'commit' })
        await page.locator('[data-test-id="audit-table"]').waitFor()
        await capture(session, 'audit')
        const actions = await page
          .locator('[data-test-id="filter-action"] option')
          .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value))
        for (const action of AUDITED) {
          assert.include(actions, action)
        }

        await page.locator('[data-test-id="main-nav"] a[href="/"]').click()
        await page.locator('[data-test-id="dashboard-chart"] canvas').waitFor()
        await capture(session, 'dashboard-after')
      } finally {
        await context.close()
        await receiver.close()
      }
    })
    .timeout(240_000)
})
