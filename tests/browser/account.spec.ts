import { test } from '@japa/runner'
import User from '#models/user'

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
    await signup.locator('[data-test-id="locale-select"]').selectOption('pt-BR')
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
})
