import { test } from '@japa/runner'
import User from '#models/user'
import Tenant from '#models/tenant'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { capture } from '#tests/helpers/browser_pages'
import { latestLinkTo } from '#tests/helpers/mailbox'

/** A phone's window, in CSS pixels. */
const PHONE = { width: 390, height: 844 }

/** Fails when the page scrolls sideways in its window. */
async function assertFits(
  page: { evaluate<T>(callback: () => T): Promise<T> },
  assert: { isAtMost(value: number, limit: number, message?: string): void },
  name: string
) {
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    window: window.innerWidth,
  }))
  assert.isAtMost(widths.page, widths.window, `${name} is wider than the window`)
}

/** Signs up an owner who reads the pages in Portuguese. */
async function portugueseOwner(name: string) {
  const account = await createTenantWithOwner(name)
  account.owner.locale = 'pt-BR'
  await account.owner.save()
  return account
}

/**
 * The whole account journey in Chromium: sign up, sign out, sign in, switch
 * the interface to Portuguese and see the navigation change, sign out.
 */
test.group('Account journey', () => {
  test('sign up, log in, switch language, log out', async ({ visit, assert }) => {
    const email = `browser${Date.now()}@example.com`
    const password = 'correct horse battery'

    const signup = await visit('/signup')
    await signup.locator('[data-test-id="field-fullName"]').fill('Gabriela Rocha')
    await signup.locator('[data-test-id="field-tenantName"]').fill('Rocha Marketing')
    await signup.locator('[data-test-id="field-email"]').fill(email)
    await signup.locator('[data-test-id="field-password"]').fill(password)
    await signup.locator('[data-test-id="signup-submit"]').click()

    await signup.waitForURL((url) => url.pathname === '/', { waitUntil: 'commit' })
    await signup.assertTextContains('[data-test-id="dashboard-title"]', 'Gabriela Rocha')
    await signup.assertTextContains('[data-test-id="main-nav"]', 'Contacts')

    await signup.locator('[data-test-id="logout"]').click()
    await signup.waitForURL((url) => url.pathname === '/login', { waitUntil: 'commit' })

    await signup.locator('[data-test-id="field-email"]').fill(email)
    await signup.locator('[data-test-id="field-password"]').fill(password)
    await signup.locator('[data-test-id="login-submit"]').click()
    await signup.waitForURL((url) => url.pathname === '/', { waitUntil: 'commit' })

    await signup.locator('[data-test-id="profile-link"]').click()
    await signup.waitForURL((url) => url.pathname === '/profile', { waitUntil: 'commit' })
    const localeSelect = signup.locator('[data-test-id="locale-select"]')
    assert.equal(await localeSelect.inputValue(), 'auto')
    assert.equal(await localeSelect.locator('option:checked').textContent(), 'Follow my browser')
    await localeSelect.selectOption('pt-BR')
    await signup.locator('[data-test-id="locale-save"]').click()

    await signup.assertTextContains('[data-test-id="main-nav"]', 'Contatos')
    await signup.assertTextContains('[data-test-id="main-nav"]', 'Campanhas')
    await signup.assertTextContains('[data-test-id="logout"]', 'Sair')
    const user = await User.findByOrFail('email', email)
    assert.equal(user.locale, 'pt-BR')

    await signup.locator('[data-test-id="logout"]').click()
    await signup.waitForURL((url) => url.pathname === '/login', { waitUntil: 'commit' })
    await signup.assertTextContains('h1', 'Sign in to Disparador')
  })

  test('wrong password shows the error on the form', async ({ visit }) => {
    const page = await visit('/login')
    await page.locator('[data-test-id="field-email"]').fill('nobody@example.com')
    await page.locator('[data-test-id="field-password"]').fill('wrong password')
    await page.locator('[data-test-id="login-submit"]').click()
    await page.assertTextContains(
      '[data-test-id="flash-error"]',
      'The e-mail or the password is wrong.'
    )
  })

  test('blocked sign-in keeps the form usable', async ({ visit, assert }) => {
    const { owner, password } = await createTenantWithOwner('Bloqueio')
    const page = await visit('/login')
    const email = page.locator('[data-test-id="field-email"]')
    const secret = page.locator('[data-test-id="field-password"]')
    for (let attempt = 1; attempt <= 7; attempt++) {
      await email.fill(owner.email)
      await secret.fill(`wrong password ${attempt}`)
      await Promise.all([
        page.waitForResponse((response) => response.url().endsWith('/login')),
        page.locator('[data-test-id="login-submit"]').click(),
      ])
    }

    await page.assertTextContains('[data-test-id="error-password"]', 'Too many failed sign-ins')
    await page.assertTextContains('[data-test-id="error-password"]', 'Try again in')
    // Inertia shows a response it cannot read as a page in a modal iframe over the form.
    assert.equal(await page.locator('iframe').count(), 0)
    await capture(page, 'login-throttled')

    await email.fill(owner.email)
    await secret.fill(password)
    assert.isTrue(await secret.isEditable())
    await page.locator('[data-test-id="login-submit"]').click()
    await page.assertTextContains('[data-test-id="error-password"]', 'Too many failed sign-ins')
    assert.equal(new URL(page.url()).pathname, '/login')
  })
})

test.group('Workspaces in the browser', () => {
  test('create, switch and change a workspace', async ({ browserContext, visit, assert }) => {
    const { tenant: first, owner } = await portugueseOwner('Agencia')
    await browserContext.loginAs(owner)
    const workspaceName = `Padaria Lisboa ${Date.now()}`
    const page = await visit('/')
    await page.setViewportSize(PHONE)

    await page.locator('[data-test-id="new-workspace-link"]').click()
    await page.waitForURL((url) => url.pathname === '/workspaces/new', { waitUntil: 'commit' })
    await page.assertTextContains('h1', 'Novo espaço de trabalho')
    await page.locator('[data-test-id="workspace-name"]').fill(workspaceName)
    await page.locator('[data-test-id="workspace-country"]').selectOption('PT')
    await page.locator('[data-test-id="workspace-timezone"]').fill('Mars/Olympus')
    await page.locator('[data-test-id="workspace-submit"]').click()
    await page.assertTextContains('[data-test-id="workspace-timezone-error"]', 'IANA')
    await assertFits(page, assert, '/workspaces/new')
    await capture(page, 'workspace-new-error')

    await page.locator('[data-test-id="workspace-timezone"]').fill('Europe/Lisbon')
    await page.locator('[data-test-id="workspace-submit"]').click()
    await page.waitForURL((url) => url.pathname === '/', { waitUntil: 'commit' })
    await page.assertTextContains('[data-test-id="flash-success"]', workspaceName)
    const created = await Tenant.findByOrFail('name', workspaceName)
    const switcher = page.locator('[data-test-id="tenant-switch"]')
    assert.equal(await switcher.inputValue(), String(created.id))
    assert.equal(await switcher.locator('option').count(), 2)
    await capture(page, 'workspace-created')
    await assertFits(page, assert, '/ with two workspaces')

    // The switch is a request of its own: wait for its response, not only for the select's value.
    await Promise.all([
      page.waitForResponse((response) => response.url().endsWith('/tenants/switch')),
      switcher.selectOption(String(first.id)),
    ])

    await page.goto('/settings/workspace')
    await page.waitForLoadState('networkidle')
    await page.locator('[data-test-id="workspace-timezone"]').fill('America/Manaus')
    await page.locator('[data-test-id="workspace-submit"]').click()
    await page.assertTextContains('[data-test-id="flash-success"]', 'salvas')
    await first.refresh()
    assert.equal(first.timezone, 'America/Manaus')
    await assertFits(page, assert, '/settings/workspace')
    await capture(page, 'workspace-settings')
  }).timeout(60_000)

  test('members page preselects agent and copies links', async ({
    browserContext,
    visit,
    assert,
  }) => {
    const { owner } = await portugueseOwner('Convites')
    await browserContext.loginAs(owner)
    await browserContext.grantPermissions(['clipboard-read', 'clipboard-write'])
    const page = await visit('/settings/members')
    await page.setViewportSize(PHONE)
    await page.waitForLoadState('networkidle')

    const role = page.locator('[data-test-id="invite-role"]')
    assert.equal(await role.inputValue(), 'agent')
    const email = `convite${Date.now()}@example.com`
    await page.locator('[data-test-id="invite-email"]').fill(email)
    await page.locator('[data-test-id="invite-submit"]').click()
    await page.assertTextContains('[data-test-id="flash-success"]', email)
    assert.equal(await role.inputValue(), 'agent')

    await page.locator('[data-test-id="copy-invitation-link"]').click()
    await page.assertTextContains('[data-test-id="invitation-link-copied"]', 'Link copiado')
    const copied = await page.evaluate(() => navigator.clipboard.readText())
    const mailed = await latestLinkTo(email)
    assert.equal(copied, mailed.href)
    await assertFits(page, assert, '/settings/members')
    await capture(page, 'members-copied-link')

    // Over plain http on another host the browser offers no clipboard API.
    await page.evaluate(() => {
      navigator.clipboard.writeText = () => Promise.reject(new Error('clipboard blocked'))
    })
    await page.locator('[data-test-id="copy-invitation-link"]').click()
    const manual = page.locator('[data-test-id="invitation-link"]')
    assert.equal(await manual.inputValue(), mailed.href)
    await assertFits(page, assert, '/settings/members with the link shown')
    await capture(page, 'members-manual-link')
  }).timeout(60_000)

  test('invite form rejects a member', async ({ browserContext, visit }) => {
    const { tenant, owner } = await portugueseOwner('Repetido')
    const { user: editor } = await addMember(tenant.id, 'editor')
    await browserContext.loginAs(owner)
    const page = await visit('/settings/members')
    await page.waitForLoadState('networkidle')

    await page.locator('[data-test-id="invite-email"]').fill(editor.email)
    await page.locator('[data-test-id="invite-submit"]').click()
    await page.assertTextContains(
      '[data-test-id="invite-form"] .field-error',
      `${editor.fullName} (${editor.email}) já é membro deste espaço de trabalho, como Editor.`
    )
    await page.assertNotExists('[data-test-id="copy-invitation-link"]')
    await capture(page, 'members-invite-member')
  })

  test('agent menu hides admin plugins', async ({ browserContext, visit }) => {
    const { tenant } = await createTenantWithOwner('Agentes')
    const { user: agent } = await addMember(tenant.id, 'agent')
    await browserContext.loginAs(agent)
    const page = await visit('/')
    await page.assertExists('[data-test-id="main-nav"]')
    await page.assertNotExists('[data-test-id="plugin-nav-webhooks"]')
    await page.assertNotExists('[data-test-id="plugin-nav-audit"]')
  })
})

test.group('Profile in the browser', () => {
  test('change name and password', async ({ browserContext, visit, assert }) => {
    const { owner, password } = await portugueseOwner('Perfil')
    await browserContext.loginAs(owner)
    const page = await visit('/profile')
    await page.setViewportSize(PHONE)

    await page.locator('[data-test-id="field-fullName"]').fill('Gabriela Rocha Lima')
    await page.locator('[data-test-id="profile-name-save"]').click()
    // The flash arrives with the response, after the click returns.
    await page.locator('[data-test-id="flash-success"]', { hasText: 'Nome salvo' }).waitFor()

    await page.locator('[data-test-id="field-currentPassword"]').fill('not my password')
    await page.locator('[data-test-id="field-password"]').fill('purple staple monitor')
    await page.locator('[data-test-id="field-passwordConfirmation"]').fill('purple staple monitor')
    await page.locator('[data-test-id="profile-password-save"]').click()
    await page
      .locator('[data-test-id="error-currentPassword"]', { hasText: 'senha atual' })
      .waitFor()
    await assertFits(page, assert, '/profile')
    await capture(page, 'profile-password-error')

    await page.locator('[data-test-id="field-currentPassword"]').fill(password)
    await page.locator('[data-test-id="field-password"]').fill('purple staple monitor')
    await page.locator('[data-test-id="field-passwordConfirmation"]').fill('purple staple monitor')
    await page.locator('[data-test-id="profile-password-save"]').click()
    await page.locator('[data-test-id="flash-success"]', { hasText: 'Senha trocada' }).waitFor()
    await capture(page, 'profile-password-changed')

    await owner.refresh()
    assert.equal(owner.fullName, 'Gabriela Rocha Lima')
    await User.verifyCredentials(owner.email, 'purple staple monitor')
    await page.goto('/profile')
    await page.assertTextContains('h1', 'Seu perfil')
  }).timeout(60_000)
})
