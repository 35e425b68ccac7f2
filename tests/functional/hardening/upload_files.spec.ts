import { test } from '@japa/runner'
import { randomBytes } from 'node:crypto'
import { readdir, readFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import testUtils from '@adonisjs/core/services/test_utils'
import env from '#start/env'
import ContactImport from '#models/contact_import'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { signIn } from '#tests/helpers/web_session'

const BASE = `http://127.0.0.1:${env.get('PORT')}`

/**
 * Makes the bytes of a CSV file with a random header and a random length,
 * so `leftCopies` finds copies of this upload only.
 */
function uniqueUpload() {
  const marker = randomBytes(16).toString('hex')
  const rows = 'name,phone\nAna,+5511987650001\n'.repeat(2000 + Math.floor(Math.random() * 1000))
  return Buffer.from(`name_${marker},phone\n${rows}`)
}

/** Lists the files of the temporary folder, where the body parser writes uploads, with these bytes. */
async function leftCopies(bytes: Buffer) {
  const copies: string[] = []
  for (const name of await readdir(tmpdir())) {
    const path = join(tmpdir(), name)
    const info = await stat(path).catch(() => null)
    if (!info?.isFile() || info.size !== bytes.length) {
      continue
    }
    const content = await readFile(path)
    if (content.equals(bytes)) {
      copies.push(path)
    }
  }
  return copies
}

function multipart(bytes: Buffer) {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'text/csv' }), 'contacts.csv')
  return form
}

test.group('Upload files', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('guest upload leaves no file', async ({ assert }) => {
    const bytes = uniqueUpload()

    const response = await fetch(`${BASE}/login`, {
      method: 'POST',
      body: multipart(bytes),
      redirect: 'manual',
    })

    assert.isBelow(response.status, 500)
    assert.deepEqual(await leftCopies(bytes), [])
  })

  test('import keeps its copy on the drive only', async ({ assert }) => {
    const { tenant, owner, password } = await createTenantWithOwner()
    const session = await signIn(BASE, owner.email, password)
    const bytes = uniqueUpload()

    const response = await session.request('POST', '/contacts/imports', multipart(bytes))

    assert.equal(response.status, 302)
    const imports = await runInTenant(tenant.id, () => ContactImport.query())
    assert.lengthOf(imports, 1)
    assert.equal(imports[0].fileSize, bytes.length)
    assert.deepEqual(await leftCopies(bytes), [])
  })
})
