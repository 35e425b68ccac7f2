import { test } from '@japa/runner'
import { dataPath } from '#services/data_paths'

test.group('Data paths', () => {
  test('keeps an absolute setting', ({ assert }) => {
    assert.equal(dataPath('/srv/files', 'storage', '/app/'), '/srv/files')
  })

  test('resolves a relative setting from the root', ({ assert }) => {
    assert.equal(dataPath('tmp/storage', 'storage', '/app/'), '/app/tmp/storage')
  })

  test('falls back when unset or blank', ({ assert }) => {
    assert.equal(dataPath(undefined, 'storage', '/app/'), '/app/storage')
    assert.equal(dataPath('  ', 'storage', '/app/'), '/app/storage')
  })
})
