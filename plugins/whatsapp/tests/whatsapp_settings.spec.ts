import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import app from '@adonisjs/core/services/app'
import { DEFAULT_WEBSOCKET_URL, readSettings } from '../whatsapp_settings.js'

const run = promisify(execFile)
const ROOT_KEY = 'ab'.repeat(32)

test.group('WhatsApp settings', () => {
  test('defaults to WhatsApp Web', ({ assert }) => {
    const settings = readSettings({ NODE_ENV: 'development' })
    assert.equal(settings.websocketUrl, DEFAULT_WEBSOCKET_URL)
    assert.isNull(settings.testRoot)
  })

  test('reads the URL and a hex root', ({ assert }) => {
    const settings = readSettings({
      NODE_ENV: 'test',
      WHATSAPP_WEBSOCKET_URL: 'ws://127.0.0.1:4100/ws/chat',
      WHATSAPP_TEST_ROOT_PUBLIC_KEY: ROOT_KEY,
      WHATSAPP_TEST_ROOT_SERIAL: '7',
    })
    assert.equal(settings.websocketUrl, 'ws://127.0.0.1:4100/ws/chat')
    assert.deepEqual(settings.testRoot?.publicKey, Buffer.from(ROOT_KEY, 'hex'))
    assert.equal(settings.testRoot?.serial, 7)
  })

  test('reads a base64 root', ({ assert }) => {
    const key = Buffer.alloc(32, 3)
    const settings = readSettings({
      NODE_ENV: 'development',
      WHATSAPP_TEST_ROOT_PUBLIC_KEY: key.toString('base64'),
    })
    assert.deepEqual(settings.testRoot?.publicKey, key)
    assert.equal(settings.testRoot?.serial, 0)
  })

  test('test run without a URL is rejected', ({ assert }) => {
    assert.throws(() => readSettings({ NODE_ENV: 'test' }), /tests never connect to WhatsApp/)
  })

  test('rejects a root in production', ({ assert }) => {
    assert.throws(
      () => readSettings({ NODE_ENV: 'production', WHATSAPP_TEST_ROOT_PUBLIC_KEY: ROOT_KEY }),
      /NODE_ENV is production/
    )
  })

  test('rejects a short root key', ({ assert }) => {
    assert.throws(
      () =>
        readSettings({
          NODE_ENV: 'test',
          WHATSAPP_WEBSOCKET_URL: 'ws://127.0.0.1:4100/ws/chat',
          WHATSAPP_TEST_ROOT_PUBLIC_KEY: 'abcd',
        }),
      /expected a 32-byte public key/
    )
  })

  test('rejects a non-WebSocket URL', ({ assert }) => {
    assert.throws(
      () => readSettings({ NODE_ENV: 'test', WHATSAPP_WEBSOCKET_URL: 'https://example.test' }),
      /expected a ws:\/\/ or wss:\/\/ URL/
    )
  })

  test('application refuses to boot in production with a root', async ({ assert }) => {
    const env = {
      ...process.env,
      NODE_ENV: 'production',
      WHATSAPP_TEST_ROOT_PUBLIC_KEY: ROOT_KEY,
    }
    const error = await run(process.execPath, ['ace.js', 'list'], {
      cwd: app.makePath(),
      env,
      timeout: 30_000,
    }).then(
      () => null,
      (failure: { stderr: string; stdout: string }) => failure
    )
    assert.isNotNull(error, 'ace booted in production with a test certificate root')
    assert.include(`${error!.stdout}${error!.stderr}`, 'WHATSAPP_TEST_ROOT_PUBLIC_KEY')
  }).timeout(40_000)
})
