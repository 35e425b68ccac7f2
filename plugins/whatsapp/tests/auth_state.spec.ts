import { test } from '@japa/runner'
import { rm } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { MigrationRunner } from '@adonisjs/lucid/migration'
import { Encryption, drivers } from '@adonisjs/core/encryption'
import { DatabaseAuthState, KEY_CATEGORIES } from '../auth_state.js'
import { newCreds, serializeAuthValue, type KeyCategory } from '../baileys_adapter.js'

const SQLITE = 'whatsapp_auth_sqlite'
const MIGRATIONS = ['./plugins/whatsapp/database/migrations']

/** One value of each key category, in the shapes Baileys 7 stores. */
function sampleKeys(): Record<KeyCategory, Record<string, unknown>> {
  const bytes = (seed: number) => Buffer.alloc(32, seed)
  return {
    'pre-key': { '1': { public: bytes(1), private: bytes(2) } },
    'session': { '5511999990001.0': new Uint8Array(bytes(3)) },
    'sender-key': { 'group@g.us::5511999990001::0': new Uint8Array(bytes(4)) },
    'sender-key-memory': { 'group@g.us': { '5511999990001:0@s.whatsapp.net': true } },
    'app-state-sync-key': { AAAAAQ: { keyData: bytes(5), timestamp: 1_700_000_000 } },
    'app-state-sync-version': { regular: { version: 3, hash: bytes(6), indexValueMap: {} } },
    'lid-mapping': {
      '5511999990001': '123456789012345',
      '123456789012345_reverse': '5511999990001',
    },
    'device-list': { '5511999990001': ['0', '2'] },
    'tctoken': { '5511999990001@s.whatsapp.net': { token: bytes(7), timestamp: '1700000000' } },
    'identity-key': { '5511999990001.0': new Uint8Array(bytes(8)) },
  }
}

let nextInstanceId = 900_000 + (process.pid % 50_000)

/** A fresh instance id per test, so tests share no rows. */
function newInstanceId() {
  nextInstanceId += 1
  return nextInstanceId
}

async function isMysql(connection?: string) {
  return db.connection(connection).dialect.name !== 'better-sqlite3'
}

/**
 * Makes inserts of the key id `poison` fail inside the database, so a test
 * can break a `set` after its first statements ran.
 */
async function addPoisonTrigger(connection?: string) {
  const client = db.connection(connection)
  if (await isMysql(connection)) {
    await client.rawQuery('DROP TRIGGER IF EXISTS whatsapp_auth_poison')
    await client.rawQuery(
      `CREATE TRIGGER whatsapp_auth_poison BEFORE INSERT ON whatsapp_auth_keys FOR EACH ROW
       BEGIN IF NEW.key_id = 'poison' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'poison key'; END IF; END`
    )
  } else {
    await client.rawQuery('DROP TRIGGER IF EXISTS whatsapp_auth_poison')
    await client.rawQuery(
      `CREATE TRIGGER whatsapp_auth_poison BEFORE INSERT ON whatsapp_auth_keys
       WHEN NEW.key_id = 'poison' BEGIN SELECT RAISE(ABORT, 'poison key'); END`
    )
  }
  return () => client.rawQuery('DROP TRIGGER IF EXISTS whatsapp_auth_poison')
}

function defineAuthStateTests(
  label: string,
  connection: () => string | undefined,
  setup?: () => Promise<() => Promise<void>>
) {
  test.group(`WhatsApp auth state on ${label}`, (group) => {
    if (setup) {
      group.setup(setup)
    }

    test('new instance gets fresh creds', async ({ assert }) => {
      const state = new DatabaseAuthState(newInstanceId(), connection())
      assert.isFalse(await state.hasCreds())
      const creds = await state.loadCreds()
      assert.instanceOf(creds.noiseKey.public, Uint8Array)
      assert.isFalse(await state.hasCreds())
    })

    test('creds survive a round trip', async ({ assert }) => {
      const state = new DatabaseAuthState(newInstanceId(), connection())
      const creds = newCreds()
      creds.me = { id: '5511999990001:3@s.whatsapp.net', lid: '123456789012345:3@lid' }
      await state.saveCreds(creds)

      const loaded = await new DatabaseAuthState(state.instanceId, connection()).loadCreds()
      assert.deepEqual(loaded.me, creds.me)
      assert.equal(loaded.registrationId, creds.registrationId)
      assert.deepEqual(
        Buffer.from(loaded.signedIdentityKey.private),
        Buffer.from(creds.signedIdentityKey.private)
      )
      assert.equal(loaded.advSecretKey, creds.advSecretKey)
    })

    test('every key category round-trips', async ({ assert }) => {
      const state = new DatabaseAuthState(newInstanceId(), connection())
      const keys = sampleKeys()
      await state.set(keys)

      for (const category of KEY_CATEGORIES) {
        const ids = Object.keys(keys[category])
        const found = await state.get(category, [...ids, 'missing'])
        assert.sameMembers(Object.keys(found), ids, category)
        for (const id of ids) {
          if (category === 'app-state-sync-key') {
            const key = found[id] as { keyData: Uint8Array }
            assert.deepEqual(Buffer.from(key.keyData), Buffer.alloc(32, 5))
            continue
          }
          // Baileys' format stores a Uint8Array as a Buffer, so both sides compare serialised.
          const expected = serializeAuthValue(keys[category][id])
          assert.equal(serializeAuthValue(found[id]), expected, `${category}/${id}`)
        }
      }
      const counts = await state.counts()
      assert.equal(counts['lid-mapping'], 2)
      assert.equal(counts['pre-key'], 1)
      assert.lengthOf(Object.keys(counts), KEY_CATEGORIES.length)
    })

    test('buffers come back as buffers', async ({ assert }) => {
      const state = new DatabaseAuthState(newInstanceId(), connection())
      await state.set({
        'pre-key': { '7': { public: Buffer.alloc(32, 9), private: Buffer.alloc(32, 1) } },
      })
      const keys = await state.get('pre-key', ['7'])
      const found = keys['7'] as { public: Buffer }
      assert.isTrue(Buffer.isBuffer(found.public))
      assert.deepEqual(found.public, Buffer.alloc(32, 9))
    })

    test('app-state keys come back as protobuf objects', async ({ assert }) => {
      const state = new DatabaseAuthState(newInstanceId(), connection())
      await state.set({ 'app-state-sync-key': { KEY1: { keyData: Buffer.alloc(32, 4) } } })
      const keys = await state.get('app-state-sync-key', ['KEY1'])
      const found = keys.KEY1 as {
        keyData: Uint8Array
        constructor: { name: string }
      }
      assert.equal(found.constructor.name, 'AppStateSyncKeyData')
      assert.deepEqual(Buffer.from(found.keyData), Buffer.alloc(32, 4))
    })

    test('null deletes a key and writes replace', async ({ assert }) => {
      const state = new DatabaseAuthState(newInstanceId(), connection())
      await state.set({ session: { a: new Uint8Array([1]), b: new Uint8Array([2]) } })
      await state.set({ session: { a: null, b: new Uint8Array([3]) } })
      const found = await state.get('session', ['a', 'b'])
      assert.notProperty(found, 'a')
      assert.deepEqual(Array.from(found.b as Uint8Array), [3])
      const counts = await state.counts()
      assert.equal(counts.session, 1)
    })

    test('failed set changes nothing', async ({ assert }) => {
      const state = new DatabaseAuthState(newInstanceId(), connection())
      await state.set({ session: { kept: new Uint8Array([1]) } })
      const dropTrigger = await addPoisonTrigger(connection())
      try {
        await assert.rejects(() =>
          state.set({
            'session': { kept: null, added: new Uint8Array([2]) },
            'pre-key': { poison: { public: Buffer.alloc(32), private: Buffer.alloc(32) } },
          })
        )
      } finally {
        await dropTrigger()
      }
      const found = await state.get('session', ['kept', 'added'])
      assert.sameMembers(Object.keys(found), ['kept'])
    })

    test('writes stop once ownership is lost', async ({ assert }) => {
      const state = new DatabaseAuthState(newInstanceId(), connection())
      await state.set({ session: { before: new Uint8Array([1]) } })
      state.guard = async () => false
      await assert.rejects(
        () => state.set({ session: { after: new Uint8Array([2]) } }),
        /no longer owns the instance/
      )
      await assert.rejects(() => state.saveCreds(newCreds()), /no longer owns the instance/)
      const found = await state.get('session', ['before', 'after'])
      assert.sameMembers(Object.keys(found), ['before'])
      assert.isFalse(await state.hasCreds())
    })

    test('wipe removes creds and keys', async ({ assert }) => {
      const state = new DatabaseAuthState(newInstanceId(), connection())
      const other = new DatabaseAuthState(newInstanceId(), connection())
      await state.saveCreds(newCreds())
      await state.set(sampleKeys())
      await other.set({ session: { x: new Uint8Array([1]) } })

      await state.wipe()
      assert.isFalse(await state.hasCreds())
      assert.deepEqual(await state.counts(), {})
      const otherCounts = await other.counts()
      assert.equal(otherCounts.session, 1)
    })

    test('wipe waits for a running write', async ({ assert }) => {
      const state = new DatabaseAuthState(newInstanceId(), connection())
      let wiped = false
      // The first write passes its owner check, which returns only after the
      // wipe was requested, so its insert comes after the wipe's start.
      state.guard = async () => {
        const allowed = !wiped
        await new Promise((resolve) => setTimeout(resolve, 50))
        return allowed
      }
      const writing = state.set({ 'device-list': { '5511999990001': ['0'] } })
      await new Promise((resolve) => setTimeout(resolve, 10))
      wiped = true
      await state.wipe()
      await writing
      await assert.rejects(
        () => state.set({ session: { late: new Uint8Array([1]) } }),
        /no longer owns the instance/
      )
      assert.deepEqual(await state.counts(), {})
    })

    test('rows are unreadable without the key', async ({ assert }) => {
      const state = new DatabaseAuthState(newInstanceId(), connection())
      const creds = newCreds()
      await state.saveCreds(creds)
      await state.set({ 'lid-mapping': { '5511999990001': '123456789012345' } })

      const rows = await db
        .connection(connection())
        .from('whatsapp_auth_keys')
        .where('instance_id', state.instanceId)
      assert.lengthOf(rows, 2)
      const noiseKey = Buffer.from(creds.noiseKey.private).toString('base64')
      for (const row of rows) {
        assert.notInclude(row.value, noiseKey)
        assert.notInclude(row.value, '123456789012345')
        assert.notInclude(row.value, 'noiseKey')
      }

      const otherKey = new Encryption(
        await drivers
          .aes256gcm({ id: 'gcm', keys: ['another-install-key-of-32-chars!!'] })
          .resolver(app)
      )
      const credsRow = rows.find((row) => row.category === 'creds')!
      const purpose = `whatsapp_auth:${state.instanceId}:creds:creds`
      assert.isNull(otherKey.decrypt(credsRow.value, purpose))
    })

    test('row copied to another instance does not decrypt', async ({ assert }) => {
      const source = new DatabaseAuthState(newInstanceId(), connection())
      const target = new DatabaseAuthState(newInstanceId(), connection())
      await source.saveCreds(newCreds())
      const row = await db
        .connection(connection())
        .from('whatsapp_auth_keys')
        .where('instance_id', source.instanceId)
        .first()
      await db.connection(connection()).table('whatsapp_auth_keys').insert({
        instance_id: target.instanceId,
        category: 'creds',
        key_id: 'creds',
        value: row.value,
        updated_at: '2026-01-01 00:00:00',
      })
      await assert.rejects(() => target.loadCreds(), /does not decrypt/)
    })
  })
}

defineAuthStateTests('the default database', () => undefined)

/** A fresh SQLite file with the plugin's migrations, removed after the group. */
async function sqliteDatabase() {
  const file = app.tmpPath(`whatsapp-auth-${process.pid}.sqlite3`)
  db.manager.add(SQLITE, {
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    migrations: { naturalSort: true, paths: MIGRATIONS },
  })
  const up = new MigrationRunner(db, app, { direction: 'up', connectionName: SQLITE })
  await up.run()
  if (up.error) {
    throw up.error
  }
  return async () => {
    await db.manager.close(SQLITE)
    for (const suffix of ['', '-wal', '-shm']) {
      await rm(`${file}${suffix}`, { force: true })
    }
  }
}

defineAuthStateTests('SQLite', () => SQLITE, sqliteDatabase)
