import { test } from '@japa/runner'
import env from '#start/env'
import { redisSettings } from '#config/redis'

test.group('Redis settings', (group) => {
  let saved: string | undefined
  group.each.setup(() => {
    saved = env.get('REDIS_URL')
    return () => env.set('REDIS_URL', saved as string)
  })

  test('reads host, port, password and db from REDIS_URL', ({ assert }) => {
    env.set('REDIS_URL', 'redis://user:p%40ss@cache.internal:6380/4')
    const settings = redisSettings()
    assert.equal(settings.host, 'cache.internal')
    assert.equal(settings.port, 6380)
    assert.equal(settings.username, 'user')
    assert.equal(settings.password, 'p@ss')
    assert.equal(settings.db, 4)
  })

  test('rejects a URL with another scheme', ({ assert }) => {
    env.set('REDIS_URL', 'http://127.0.0.1:6379')
    assert.throws(() => redisSettings(), /REDIS_URL "http:\/\/127.0.0.1:6379"/)
  })
})
