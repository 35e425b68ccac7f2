import { test } from '@japa/runner'
import { http } from '#config/app'
import { trustedProxies } from '#config/trusted_proxies'

test.group('Trusted proxies', () => {
  test('default trusts loopback and private networks', ({ assert }) => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '172.18.0.2', '10.1.2.3']) {
      assert.isTrue(http.trustProxy(address, 0), `${address} is not trusted`)
    }
  })

  test('default ignores public clients', ({ assert }) => {
    for (const address of ['203.0.113.7', '8.8.8.8', '2001:db8::1', '::ffff:203.0.113.7']) {
      assert.isFalse(http.trustProxy(address, 0), `${address} is trusted`)
    }
  })

  test('custom list replaces the default', ({ assert }) => {
    const trust = trustedProxies('198.51.100.0/24, 2001:db8::5')
    assert.isTrue(trust('198.51.100.20', 0))
    assert.isTrue(trust('2001:db8::5', 0))
    assert.isFalse(trust('127.0.0.1', 0))
  })

  test('invalid entry is named', ({ assert }) => {
    assert.throws(() => trustedProxies('10.0.0.0/8, proxy.local'), /"proxy\.local"/)
    assert.throws(() => trustedProxies('10.0.0.0/40'), /"10\.0\.0\.0\/40"/)
  })
})
