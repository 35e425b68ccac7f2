import { test } from '@japa/runner'
import { randomBytes } from 'node:crypto'
import { MediaServer } from '#tests/support/whatsapp_peer/media_server'
import {
  MediaFetchError,
  MediaUrlRejectedError,
  checkMediaUrl,
  fetchRemoteMedia,
} from '../remote_media.js'
import { allowMediaUrlHosts } from '../whatsapp_settings.js'

/** URLs rejected without a connection: their hosts are or resolve to blocked addresses. */
const BLOCKED_URLS = [
  'https://169.254.169.254/latest/meta-data/',
  'https://[::ffff:a9fe:a9fe]/latest/meta-data/',
  'https://100.100.100.200/latest/meta-data/',
  'https://10.0.0.5/foto.png',
  'https://192.168.1.10/foto.png',
  'https://[::1]/foto.png',
  'https://[fd00::1]/foto.png',
  'https://0.0.0.0/foto.png',
  'https://localhost/foto.png',
]

async function rejection(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    return error as Error & { code?: string; retryable?: boolean }
  }
  throw new Error('expected a rejection')
}

test.group('WhatsApp media URLs', (group) => {
  let host: MediaServer
  let other: MediaServer
  group.setup(async () => {
    host = await MediaServer.start()
    other = await MediaServer.start()
    return async () => {
      await host.close()
      await other.close()
    }
  })

  const options = () => ({
    agent: host.agent,
    allowedHosts: new Set([host.hostname]),
    maxBytes: 4096,
    timeoutMs: 5000,
  })

  test('blocked addresses are rejected', async ({ assert }) => {
    for (const url of BLOCKED_URLS) {
      const error = await rejection(checkMediaUrl(url, new Set()))
      assert.instanceOf(error, MediaUrlRejectedError, url)
      assert.equal(error.code, 'E_MEDIA_URL_REJECTED', url)
      assert.include(error.message, `"${url}"`)
      assert.include(error.message, 'loopback, private, link-local or metadata address', url)
    }
  })

  test('scheme and credentials are rejected', async ({ assert }) => {
    const plain = await rejection(checkMediaUrl('http://example.com/foto.png', new Set()))
    const withUser = await rejection(checkMediaUrl('https://ana:x@example.com/a.png', new Set()))
    const relative = await rejection(checkMediaUrl('/foto.png', new Set()))

    assert.include(plain.message, 'use https://, not http://')
    assert.include(withUser.message, 'remove the user name and password')
    assert.include(relative.message, 'not an absolute URL')
  })

  test('allowed loopback host is fetched', async ({ assert }) => {
    const file = randomBytes(2048)
    const url = host.serve(file)

    const fetched = await fetchRemoteMedia(url, options())

    assert.deepEqual(fetched, file)
  })

  test('loopback host outside the list is never requested', async ({ assert }) => {
    const url = other.serve(randomBytes(16))
    const before = other.requests.length

    const error = await rejection(fetchRemoteMedia(url, options()))

    assert.instanceOf(error, MediaUrlRejectedError)
    assert.include(error.message, url)
    assert.equal(error.retryable, false)
    assert.lengthOf(other.requests, before)
  })

  test('redirect is checked again', async ({ assert }) => {
    const target = other.serve(randomBytes(16))
    const url = host.redirect(target)
    const before = other.requests.length

    const error = await rejection(fetchRemoteMedia(url, options()))

    assert.instanceOf(error, MediaUrlRejectedError)
    assert.include(error.message, target)
    assert.lengthOf(other.requests, before)
  })

  test('redirect within the allowed host is followed', async ({ assert }) => {
    const file = randomBytes(64)
    const url = host.redirect(host.serve(file))

    assert.deepEqual(await fetchRemoteMedia(url, options()), file)
  })

  test('missing file fails for good', async ({ assert }) => {
    const url = `${host.origin}/files/missing`

    const error = await rejection(fetchRemoteMedia(url, options()))

    assert.instanceOf(error, MediaFetchError)
    assert.equal(error.code, 'E_MEDIA_FETCH_FAILED')
    assert.include(error.message, 'the host responded with status 404')
    assert.equal(error.retryable, false)
  })

  test('file over the limit is rejected', async ({ assert }) => {
    const url = host.serve(randomBytes(8192))

    const error = await rejection(fetchRemoteMedia(url, options()))

    assert.instanceOf(error, MediaFetchError)
    assert.include(error.message, 'over 4096')
    assert.equal(error.retryable, false)
  })

  test('production allows no loopback host', ({ assert }) => {
    assert.throws(
      () => allowMediaUrlHosts(['127.0.0.1:443'], { NODE_ENV: 'production' }),
      /cannot be allowed while NODE_ENV is production/
    )
    assert.doesNotThrow(() => allowMediaUrlHosts([], { NODE_ENV: 'production' }))
  })
})
