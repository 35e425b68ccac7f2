import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import app from '@adonisjs/core/services/app'
import env from '#start/env'
import logger from '@adonisjs/core/services/logger'
import { BaseSeeder } from '@adonisjs/lucid/seeders'
import User from '#models/user'
import { signUp } from '#services/account_service'
import { seedSandboxDemo } from '#services/demo/sandbox_demo'

export const DEMO_EMAIL = 'demo@disparador.local'

/**
 * Seeds the demo tenant and its owner for the embedded default. The password
 * is made once and kept in tmp/demo-login.txt, so later runs reuse it. The
 * tenant gets a paired sandbox number, contacts, a template and a published
 * campaign (see `seedSandboxDemo`), added on any run that finds them missing.
 */
export default class DemoSeeder extends BaseSeeder {
  static environment = ['development', 'production']

  async run() {
    const owner = await this.#seedOwner()
    await seedSandboxDemo(owner)
  }

  async #seedOwner() {
    const loginFile = demoLoginFile()
    const existing = await User.findBy('email', DEMO_EMAIL)
    if (existing && existsSync(loginFile)) {
      logger.info({ userId: existing.id }, 'demo tenant already seeded')
      return existing
    }

    const password = existing ? null : randomBytes(9).toString('base64url')
    if (!existing && password) {
      const { tenant, user } = await signUp({
        fullName: 'Demo Operator',
        email: DEMO_EMAIL,
        password,
        tenantName: 'Demo Agency',
        workspaceLocale: null,
      })
      logger.info({ tenantId: tenant.id, userId: user.id }, 'demo tenant seeded')
      writeFileSync(
        loginFile,
        ['Demo login', `  e-mail:   ${DEMO_EMAIL}`, `  password: ${password}`].join('\n') + '\n'
      )
      return user
    } else if (!existsSync(loginFile)) {
      writeFileSync(
        loginFile,
        `The demo user ${DEMO_EMAIL} exists but its password file was removed. ` +
          'Reset the password from the login page (the link is written to tmp/mail).\n'
      )
    }
    return existing!
  }
}

export function demoLoginFile() {
  return env.get('DEMO_LOGIN_FILE') ?? app.makePath('tmp', 'demo-login.txt')
}

export function readDemoLogin() {
  const file = demoLoginFile()
  return existsSync(file) ? readFileSync(file, 'utf8') : null
}
