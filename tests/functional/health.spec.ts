import { test } from '@japa/runner'

test.group('Health endpoints', () => {
  test('health reports the process up', async ({ client }) => {
    const response = await client.get('/health')
    response.assertStatus(200)
    response.assertBodyContains({ status: 'ok' })
  })

  test('ready checks database and redis', async ({ client, assert }) => {
    const response = await client.get('/ready')
    response.assertStatus(200)
    assert.equal(response.body().status, 'ready')
    assert.isTrue(response.body().checks.database.ok)
    assert.isTrue(response.body().checks.redis.ok)
  })

  test('responses carry a request id', async ({ client, assert }) => {
    const response = await client.get('/health')
    assert.match(response.header('x-request-id') ?? '', /^[0-9a-f-]{36}$/)
  })
})
