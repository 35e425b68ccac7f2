import { readFileSync } from 'node:fs'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'

/** Names of the variables `start/env.ts` validates, in the order it lists them. */
function validatedVariables() {
  const source = readFileSync(app.makePath('start/env.ts'), 'utf8')
  return [...source.matchAll(/^ {2}([A-Z][A-Z0-9_]*): Env\.schema/gm)].map((match) => match[1])
}

test.group('Settings documentation', () => {
  test('README lists every variable', ({ assert }) => {
    const readme = readFileSync(app.makePath('README.md'), 'utf8')
    const variables = validatedVariables()

    assert.isAbove(variables.length, 20)
    for (const name of variables) {
      assert.include(readme, `\`${name}\``, `README.md does not describe ${name}`)
    }
  })

  test('.env.example shows install switches', ({ assert }) => {
    const example = readFileSync(app.makePath('.env.example'), 'utf8')

    for (const name of ['API_RATE_LIMIT', 'METRICS_TOKEN', 'WEBHOOKS_ALLOW_PRIVATE_TARGETS']) {
      assert.match(example, new RegExp(`^# ${name}=`, 'm'), `.env.example does not show ${name}`)
    }
  })
})
