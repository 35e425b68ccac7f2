import { test } from '@japa/runner'
import { parseRoles } from '#processes/process_roles'

test.group('Process roles parsing', () => {
  test('reads a comma-separated list', ({ assert }) => {
    assert.deepEqual(parseRoles('web, worker ,channels', ['web']), ['web', 'worker', 'channels'])
  })

  test('falls back when unset', ({ assert }) => {
    assert.deepEqual(parseRoles(undefined, ['web']), ['web'])
    assert.deepEqual(parseRoles('', ['worker']), ['worker'])
  })

  test('rejects an unknown role by name', ({ assert }) => {
    assert.throws(() => parseRoles('web,scheduler', ['web']), /"scheduler"/)
  })
})
