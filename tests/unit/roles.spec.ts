import { test } from '@japa/runner'
import { roleAtLeast, isRole } from '#tenancy/roles'

test.group('Roles order', () => {
  test('each role includes the ones below it', ({ assert }) => {
    const cases: [Parameters<typeof roleAtLeast>[0], Parameters<typeof roleAtLeast>[1], boolean][] =
      [
        ['owner', 'admin', true],
        ['admin', 'admin', true],
        ['editor', 'admin', false],
        ['editor', 'agent', true],
        ['agent', 'editor', false],
        ['viewer', 'viewer', true],
        ['viewer', 'agent', false],
        [null, 'viewer', false],
      ]
    for (const [role, minimum, expected] of cases) {
      assert.equal(roleAtLeast(role, minimum), expected, `${role} at least ${minimum}`)
    }
  })

  test('recognises role names', ({ assert }) => {
    assert.isTrue(isRole('agent'))
    assert.isFalse(isRole('superuser'))
    assert.isFalse(isRole(undefined))
  })
})
