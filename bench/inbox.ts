/**
 * Seeds one tenant's inbox with 1,000,000 messages across 50,000
 * conversations (MESSAGES and CONVERSATIONS to change them). Then prints
 * the latency of the queries the inbox page runs: the conversation list
 * with and without filters, a conversation's latest 50 messages, the
 * unread count and the searches.
 *
 *   DB_CONNECTION=mysql DB_DATABASE=disparador_bench node --import @poppinss/ts-exec bench/inbox.ts
 *
 * Run `node ace migration:run` on that database first. The first STORED
 * inbound messages go through the real inbound path (`storeInbound`),
 * which also prints its rate; the rest are written in bulk, with their
 * conversations' last message and unread count computed the same way, so
 * seeding takes minutes. A second tenant with a tenth of the data adds rows
 * the queries must skip. The benchmark leaves both tenants behind; run it
 * again with INBOX_TENANT=<id of the first> to measure without seeding.
 */
import { bootApp, quantile, shutdown } from './engine_support.js'

const CONVERSATIONS = Number(process.env.CONVERSATIONS ?? 50_000)
const MESSAGES = Number(process.env.MESSAGES ?? 1_000_000)
const STORED = Number(process.env.STORED ?? 1_000)
const RUNS = Number(process.env.RUNS ?? 200)
const INSTANCES = 4
const CHUNK = 2_000
const DAY_MS = 86_400_000
const START = Date.UTC(2026, 8, 1)

/** Writes a time as the timestamp columns store it. */
function sqlTime(ms: number) {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
}

function phoneOf(tenantIndex: number, index: number) {
  return `+55${11 + tenantIndex}${String(900_000_000 + index)}`
}

/** Inserts rows in chunks of CHUNK in one statement each. */
async function insertChunks(db: any, table: string, rows: Record<string, unknown>[]) {
  for (let offset = 0; offset < rows.length; offset += CHUNK) {
    await db.table(table).multiInsert(rows.slice(offset, offset + CHUNK))
  }
}

/**
 * Seeds one tenant: contacts, a tag on every tenth, one conversation per
 * contact spread over the instances, a fifth of them assigned to `agentId`,
 * and `messages` messages in total, about a third inbound.
 */
async function seedTenant(
  db: any,
  tenantId: number,
  tenantIndex: number,
  instanceIds: number[],
  agentId: number,
  conversations: number,
  messages: number
) {
  const contacts = Array.from({ length: conversations }, (_, index) => ({
    tenant_id: tenantId,
    name: `Contato ${tenantIndex}-${index}`,
    phone: phoneOf(tenantIndex, index),
    timezone: 'America/Sao_Paulo',
    consent: index % 50 === 0 ? 'opted_out' : 'opted_in',
    created_at: sqlTime(START),
  }))
  await insertChunks(db, 'contacts', contacts)
  const contactRows = await db
    .from('contacts')
    .where('tenant_id', tenantId)
    .orderBy('id')
    .select('id', 'phone')
  const tags = contactRows
    .filter((_: unknown, index: number) => index % 10 === 0)
    .map((row: { id: number }) => ({ tenant_id: tenantId, contact_id: row.id, name: 'vip' }))
  await insertChunks(db, 'contact_tags', tags)

  const conversationRows = contactRows.map((row: { id: number; phone: string }, index: number) => ({
    tenant_id: tenantId,
    instance_id: instanceIds[index % instanceIds.length],
    contact_id: row.id,
    address: row.phone,
    assigned_user_id: index % 5 === 0 ? agentId : null,
    unread_count: 0,
    created_at: sqlTime(START),
  }))
  await insertChunks(db, 'conversations', conversationRows)
  const seeded = await db
    .from('conversations')
    .where('tenant_id', tenantId)
    .orderBy('id')
    .select('id', 'instance_id', 'contact_id', 'address')

  return seedMessages(db, tenantId, seeded, messages)
}

/**
 * Writes `total` messages round-robin over the conversations, each message
 * later than the one before, and then sets every conversation's last
 * message and unread count (the inbound messages after its last outbound).
 */
async function seedMessages(db: any, tenantId: number, conversations: any[], total: number) {
  const last = new Map<number, { id: number; at: number; direction: string; preview: string }>()
  const unread = new Map<number, number>()
  const span = 60 * DAY_MS
  const [{ maxId }] = await db.from('messages').max('id as maxId')
  let nextId = Number(maxId ?? 0) + 1
  let batch: Record<string, unknown>[] = []

  for (let index = 0; index < total; index++) {
    const conversation = conversations[(index * 7) % conversations.length]
    const inbound = index % 3 === 0
    const at = START + Math.floor((index / total) * span)
    const body = inbound ? `Resposta ${index}: quero saber mais` : `Oferta ${index} para você`
    batch.push({
      id: nextId,
      tenant_id: tenantId,
      direction: inbound ? 'in' : 'out',
      instance_id: conversation.instance_id,
      conversation_id: conversation.id,
      contact_id: conversation.contact_id,
      campaign_id: null,
      provider_message_id: `bench-${tenantId}-${index}`,
      address: conversation.address,
      body,
      status: inbound ? 'received' : 'read',
      queued_at: inbound ? null : sqlTime(at),
      sent_at: inbound ? null : sqlTime(at + 1000),
      delivered_at: inbound ? null : sqlTime(at + 2000),
      read_at: inbound ? null : sqlTime(at + 3000),
      received_at: inbound ? sqlTime(at) : null,
      created_at: sqlTime(at),
    })
    last.set(conversation.id, {
      id: nextId,
      at,
      direction: inbound ? 'in' : 'out',
      preview: body,
    })
    unread.set(conversation.id, inbound ? (unread.get(conversation.id) ?? 0) + 1 : 0)
    nextId += 1
    if (batch.length === CHUNK) {
      await db.table('messages').multiInsert(batch)
      batch = []
    }
  }
  if (batch.length > 0) {
    await db.table('messages').multiInsert(batch)
  }

  await updateConversations(db, last, unread)
}

/** Sets last message and unread count of many conversations with one `CASE` update per chunk. */
async function updateConversations(db: any, last: Map<number, any>, unread: Map<number, number>) {
  const ids = [...last.keys()]
  for (let offset = 0; offset < ids.length; offset += 1_000) {
    const chunk = ids.slice(offset, offset + 1_000)
    const cases = (pick: (id: number) => unknown) => {
      const bindings: unknown[] = []
      const sql = chunk
        .map((id) => {
          bindings.push(id, pick(id))
          return 'when ? then ?'
        })
        .join(' ')
      return db.raw(`case id ${sql} end`, bindings)
    }
    await db
      .from('conversations')
      .whereIn('id', chunk)
      .update({
        last_message_id: cases((id) => last.get(id).id),
        last_message_at: cases((id) => sqlTime(last.get(id).at)),
        last_direction: cases((id) => last.get(id).direction),
        last_preview: cases((id) => last.get(id).preview),
        unread_count: cases((id) => unread.get(id) ?? 0),
      })
  }
}

async function measure(name: string, run: () => Promise<unknown>, runs = RUNS) {
  await run()
  const samples: number[] = []
  for (let index = 0; index < runs; index++) {
    const start = performance.now()
    await run()
    samples.push(performance.now() - start)
  }
  console.log(
    `${name}: p50 ${quantile(samples, 0.5).toFixed(1)} ms, p95 ${quantile(samples, 0.95).toFixed(1)} ms, ` +
      `max ${Math.max(...samples).toFixed(1)} ms over ${runs} runs`
  )
}

/** Seeds the measured tenant and a second one a tenth its size; returns the first. */
async function seedTenants(db: any) {
  const { addMember, createTenantWithOwner } = await import('#tests/helpers/accounts')
  const { sandboxInstance } = await import('#tests/helpers/reports')
  const tenants = []
  for (const [tenantIndex, share] of [
    [0, 1],
    [1, 0.1],
  ]) {
    const { tenant } = await createTenantWithOwner(tenantIndex === 0 ? 'Inbox bench' : 'Other')
    const agent = await addMember(tenant.id, 'agent')
    const instances = []
    for (let index = 0; index < INSTANCES; index++) {
      instances.push(await sandboxInstance(tenant.id, 'Inbox'))
    }
    const started = performance.now()
    await seedTenant(
      db,
      tenant.id,
      tenantIndex,
      instances.map((instance) => instance.id),
      agent.user.id,
      Math.round(CONVERSATIONS * share),
      Math.round(MESSAGES * share)
    )
    console.log(
      `tenant ${tenant.id}: seeded ${Math.round(CONVERSATIONS * share)} conversations and ` +
        `${Math.round(MESSAGES * share)} messages in bulk in ${((performance.now() - started) / 1000).toFixed(1)} s`
    )
    tenants.push({ tenant, agent, instances })
  }

  return tenants[0]
}

/** Loads a tenant an earlier run seeded, with its agent and instances, to measure again. */
async function seededTenant(tenantId: number) {
  const { default: Tenant } = await import('#models/tenant')
  const { default: Membership } = await import('#models/membership')
  const { default: ChannelInstance } = await import('#models/channel_instance')
  const { runAsSystem } = await import('#tenancy/tenant_context')
  return runAsSystem(async () => {
    const tenant = await Tenant.findOrFail(tenantId)
    const membership = await Membership.query()
      .where('tenant_id', tenantId)
      .where('role', 'agent')
      .preload('user')
      .firstOrFail()
    const instances = await ChannelInstance.query().where('tenant_id', tenantId).orderBy('id')
    return { tenant, agent: { user: membership.user }, instances }
  })
}

async function main() {
  const app = await bootApp()
  const { db } = await import('#sdk')
  const { runInTenant } = await import('#tenancy/tenant_context')
  const { storeInbound } = await import('#services/channels/message_service')
  const inbox = await import('#services/inbox/inbox_queries')

  const { tenant, agent, instances } = process.env.INBOX_TENANT
    ? await seededTenant(Number(process.env.INBOX_TENANT))
    : await seedTenants(db)
  const started = performance.now()
  await runInTenant(tenant.id, async () => {
    for (let index = 0; index < STORED; index++) {
      await storeInbound(instances[index % INSTANCES], {
        providerMessageId: `bench-stored-${Date.now()}-${index}`,
        from: phoneOf(0, (index * 13) % CONVERSATIONS),
        fromName: null,
        text: `Mensagem ${index}`,
        media: null,
        receivedAt: new Date(),
        inReplyTo: null,
      })
    }
  })
  const storedMs = performance.now() - started
  console.log(
    `stored ${STORED} inbound messages through storeInbound in ${(storedMs / 1000).toFixed(1)} s ` +
      `(${Math.round(STORED / (storedMs / 1000))} messages/s)`
  )

  const conversationRows = await db.from('conversations').where('tenant_id', tenant.id).select('id')
  const conversationIds = conversationRows.map((row: { id: number }) => Number(row.id))
  let pick = 0
  const someConversation = () => conversationIds[(pick++ * 7919) % conversationIds.length]
  const firstPage = await runInTenant(tenant.id, () => inbox.listConversations({}))

  // Text search scans the tenant's messages, so it gets fewer runs.
  const cases: [string, () => Promise<unknown>, number?][] = [
    ['conversation list', () => inbox.listConversations({})],
    ['conversation list, page 2', () => inbox.listConversations({ before: firstPage.next! })],
    ['conversation list, unread', () => inbox.listConversations({ unread: true })],
    [
      'conversation list, assigned to me',
      () => inbox.listConversations({ assignedTo: agent.user.id }),
    ],
    ['conversation list, unassigned', () => inbox.listConversations({ unassigned: true })],
    [
      'conversation list, one instance',
      () => inbox.listConversations({ instanceId: instances[1].id }),
    ],
    ['conversation list, tag', () => inbox.listConversations({ tag: 'vip' })],
    ['conversation list, opted out', () => inbox.listConversations({ optedOut: true })],
    ['latest 50 messages', () => inbox.latestMessages(someConversation())],
    ['unread count', () => inbox.unreadCounts()],
    ['unread count, assigned to me', () => inbox.unreadCounts(agent.user.id)],
    ['search by name', () => inbox.listConversations({ q: 'Contato 0-4242' }, 'BR'), 20],
    ['search by message text', () => inbox.listConversations({ q: 'Resposta 99999:' }, 'BR'), 20],
  ]
  for (const [name, run, runs] of cases) {
    await runInTenant(tenant.id, () => measure(name, run, runs))
  }

  await shutdown(app)
}

await main()
