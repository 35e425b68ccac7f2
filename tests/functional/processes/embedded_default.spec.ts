import { test } from '@japa/runner'
import { readFile, rm } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import { runAce, startWebServer, type RunningProcess } from '#tests/helpers/processes'

const PORT = 3361

/**
 * Keeps the cookies a server sets, like a browser would.
 */
class CookieJar {
  #cookies = new Map<string, string>()

  store(response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';')
      const separator = pair.indexOf('=')
      this.#cookies.set(pair.slice(0, separator), pair.slice(separator + 1))
    }
  }

  header() {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  get(name: string) {
    return this.#cookies.get(name)
  }
}

test.group('Embedded default', (group) => {
  const sqliteFile = app.tmpPath(`embedded-${process.pid}.sqlite3`)
  const loginFile = app.tmpPath(`embedded-login-${process.pid}.txt`)
  const viteCacheDir = app.tmpPath(`embedded-vite-${process.pid}`)
  const env = {
    NODE_ENV: 'development',
    DB_CONNECTION: 'sqlite',
    SQLITE_PATH: sqliteFile,
    DEMO_LOGIN_FILE: loginFile,
    PORT: String(PORT),
    HOST: '127.0.0.1',
    SESSION_DRIVER: 'cookie',
    // Queues of its own, apart from the suite's jobs with the same ids.
    REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'disparador-test'}-embedded`,
  }
  let server: RunningProcess | undefined

  group.teardown(async () => {
    server?.child.kill('SIGTERM')
    await server?.waitForExit().catch(() => server?.child.kill('SIGKILL'))
    for (const suffix of ['', '-wal', '-shm']) {
      await rm(`${sqliteFile}${suffix}`, { force: true })
    }
    await rm(loginFile, { force: true })
    await rm(viteCacheDir, { recursive: true, force: true })
  })

  test('migrates, seeds the demo tenant and signs it in', async ({ assert }) => {
    const migrate = await runAce(['migration:run', '--force'], env)
    assert.equal(migrate.code, 0, migrate.output)
    const seed = await runAce(['db:seed'], env)
    assert.equal(seed.code, 0, seed.output)

    const login = await readFile(loginFile, 'utf8')
    const email = login.match(/e-mail:\s+(\S+)/)?.[1]
    const password = login.match(/password:\s+(\S+)/)?.[1]
    assert.exists(email)
    assert.exists(password)

    const reseed = await runAce(['db:seed'], env)
    assert.equal(reseed.code, 0, reseed.output)
    assert.equal(await readFile(loginFile, 'utf8'), login, 'a second seed keeps the same login')

    // DEV_MODE makes the server run Vite in middleware mode, as `node ace serve` does, so
    // pages load without a production build.
    server = startWebServer({
      ...env,
      PROCESS_ROLES: 'web,worker,channels',
      DEV_MODE: 'true',
      VITE_CACHE_DIR: viteCacheDir,
    })
    await server.waitForOutput(/channels role started/, 60_000)

    const base = `http://127.0.0.1:${PORT}`
    const jar = new CookieJar()
    const loginPage = await fetch(`${base}/login`)
    jar.store(loginPage)
    assert.equal(loginPage.status, 200)
    assert.include(await loginPage.text(), String.raw`"component":"auth\/login"`)

    const signIn = await fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/json',
        'cookie': jar.header(),
        'x-xsrf-token': decodeURIComponent(jar.get('XSRF-TOKEN') ?? ''),
      },
      body: JSON.stringify({ email, password }),
    })
    jar.store(signIn)
    assert.equal(signIn.status, 302, await signIn.clone().text())
    assert.equal(signIn.headers.get('location'), '/')

    const dashboard = await fetch(`${base}/`, { headers: { cookie: jar.header() } })
    assert.equal(dashboard.status, 200)
    const html = await dashboard.text()
    assert.include(html, '"component":"dashboard"')
    assert.include(html, 'Demo Agency')
  }).timeout(120_000)
})
