import { getBinaryNodeChild, S_WHATSAPP_NET, type BinaryNode } from '@whiskeysockets/baileys'
import { timelockQueryResult } from './account_health.js'
import type { Companion } from './accounts.js'
import type { PeerConnection } from './connection.js'
import { acceptCompanionHello } from './pairing_code.js'
import type { WhatsAppPeer } from './peer.js'
import {
  bundleNode,
  childBuffer,
  childUInt,
  children,
  contentText,
  iqError,
  iqResult,
  unixSeconds,
} from './stanzas.js'

type IqHandler = (
  peer: WhatsAppPeer,
  connection: PeerConnection,
  iq: BinaryNode
) => Promise<BinaryNode> | BinaryNode

/** Privacy settings the peer reports for every account. */
const PRIVACY_CATEGORIES = {
  last: 'all',
  online: 'all',
  profile: 'all',
  status: 'all',
  groupadd: 'all',
  readreceipts: 'all',
  calladd: 'all',
}

function companionOf(connection: PeerConnection): Companion {
  if (!connection.companion) {
    throw new Error('the client sent an iq that needs a login before logging in')
  }
  return connection.companion
}

/** Stores the keys of a pre-key upload (`<registration>`, `<identity>`, `<list>`, `<skey>`). */
function storeUploadedKeys(companion: Companion, iq: BinaryNode) {
  const registrationId = childUInt(iq, 'registration')
  const identityKey = childBuffer(iq, 'identity')
  if (registrationId !== undefined) {
    companion.registrationId = registrationId
  }
  if (identityKey) {
    companion.identityKey = identityKey
  }
  for (const key of children(getBinaryNodeChild(iq, 'list'), 'key')) {
    companion.preKeys.set(childUInt(key, 'id')!, childBuffer(key, 'value')!)
  }
  const signed =
    getBinaryNodeChild(iq, 'skey') ?? getBinaryNodeChild(getBinaryNodeChild(iq, 'rotate'), 'skey')
  if (signed) {
    companion.signedPreKey = {
      keyId: childUInt(signed, 'id')!,
      publicKey: childBuffer(signed, 'value')!,
      signature: childBuffer(signed, 'signature')!,
    }
  }
}

const encrypt: IqHandler = (peer, connection, iq) => {
  const companion = companionOf(connection)
  const [request] = children(iq)

  if (iq.attrs.type === 'set') {
    storeUploadedKeys(companion, iq)
    return iqResult(iq)
  }

  if (request?.tag === 'count') {
    return iqResult(iq, [{ tag: 'count', attrs: { value: companion.preKeys.size.toString() } }])
  }

  if (request?.tag === 'digest') {
    return iqResult(iq, [
      {
        tag: 'digest',
        attrs: {},
        content: [{ tag: 'registration', attrs: {}, content: Buffer.alloc(4) }],
      },
    ])
  }

  if (request?.tag === 'key') {
    const users = children(request, 'user').map((user) => {
      const jid = user.attrs.jid
      const bundle = peer.takeBundle(jid)
      return bundle
        ? bundleNode(jid, bundle)
        : {
            tag: 'user',
            attrs: { jid },
            content: [{ tag: 'error', attrs: { code: '404', text: 'item-not-found' } }],
          }
    })
    return iqResult(iq, [{ tag: 'list', attrs: {}, content: users }])
  }

  return peer.unhandledIq(iq)
}

const privacy: IqHandler = (peer, _connection, iq) => {
  const [request] = children(iq)
  if (iq.attrs.type === 'get' && request?.tag === 'privacy') {
    const categories = Object.entries(PRIVACY_CATEGORIES).map(([name, value]) => ({
      tag: 'category',
      attrs: { name, value },
    }))
    return iqResult(iq, [{ tag: 'privacy', attrs: {}, content: categories }])
  }
  if (iq.attrs.type === 'set' && request?.tag === 'tokens') {
    return iqResult(iq)
  }
  return peer.unhandledIq(iq)
}

/** Builds the result of a usync query for the contact, devices and lid protocols. */
const usync: IqHandler = (peer, _connection, iq) => {
  const request = getBinaryNodeChild(iq, 'usync')
  const protocols = children(getBinaryNodeChild(request, 'query')).map((node) => node.tag)
  const users = children(getBinaryNodeChild(request, 'list'), 'user').map((user) => {
    const phone = contentText(getBinaryNodeChild(user, 'contact'))
    const account = phone ? peer.findAccountByPhone(phone) : peer.findAccountByJid(user.attrs.jid)
    // A contact lookup names the account's registered JID, whichever form of the number was asked.
    const jid = phone
      ? (account?.jid ?? `${phone.replace(/\D/g, '')}@${S_WHATSAPP_NET}`)
      : user.attrs.jid
    const content: BinaryNode[] = []

    if (protocols.includes('contact')) {
      content.push({ tag: 'contact', attrs: { type: account ? 'in' : 'out' } })
    }
    if (protocols.includes('devices')) {
      const devices = (account?.deviceList() ?? []).map(({ id, keyIndex }): BinaryNode => {
        const attrs: Record<string, string> = { id: id.toString() }
        if (keyIndex) {
          attrs['key-index'] = keyIndex.toString()
        }
        return { tag: 'device', attrs }
      })
      content.push({
        tag: 'devices',
        attrs: {},
        content: [
          { tag: 'device-list', attrs: {}, content: devices },
          { tag: 'key-index-list', attrs: { ts: unixSeconds() } },
        ],
      })
    }
    if (protocols.includes('lid') && account && !jid.endsWith('@lid')) {
      content.push({ tag: 'lid', attrs: { val: account.lid } })
    }
    return { tag: 'user', attrs: { jid }, content }
  })

  return iqResult(iq, [
    {
      tag: 'usync',
      attrs: { ...request?.attrs },
      content: [
        { tag: 'result', attrs: {}, content: protocols.map((tag) => ({ tag, attrs: {} })) },
        { tag: 'list', attrs: {}, content: users },
      ],
    },
  ])
}

/** Returns every collection of an app state sync as empty and complete. */
const appState: IqHandler = (_peer, _connection, iq) => {
  const collections = children(getBinaryNodeChild(iq, 'sync'), 'collection').map((node) => ({
    tag: 'collection',
    attrs: { name: node.attrs.name, version: node.attrs.version ?? '0' },
  }))
  return iqResult(iq, [{ tag: 'sync', attrs: {}, content: collections }])
}

const props: IqHandler = (_peer, _connection, iq) =>
  iqResult(iq, [{ tag: 'props', attrs: { protocol: '1', hash: 'loopback-peer-1' }, content: [] }])

const multiDevice: IqHandler = (peer, connection, iq) => {
  const removal = getBinaryNodeChild(iq, 'remove-companion-device')
  if (removal && connection.companion) {
    peer.unlinkCompanion(connection.companion)
    return iqResult(iq)
  }

  const registration = getBinaryNodeChild(iq, 'link_code_companion_reg')
  if (registration?.attrs.stage === 'companion_hello') {
    return acceptCompanionHello(connection, iq, registration)
  }
  const link = connection.pairing?.linkCode
  if (registration?.attrs.stage === 'companion_finish' && link?.onFinish) {
    link.onFinish(iq)
    return iqResult(iq)
  }
  return peer.unhandledIq(iq)
}

/** Returns the media host Baileys uploads to, when the peer runs one. */
const mediaConnection: IqHandler = (peer, _connection, iq) => {
  if (!peer.media || !getBinaryNodeChild(iq, 'media_conn')) {
    return peer.unhandledIq(iq)
  }
  return iqResult(iq, [
    {
      tag: 'media_conn',
      attrs: { auth: 'loopback-media', ttl: '300', auth_ttl: '21600', max_buckets: '12' },
      content: [{ tag: 'host', attrs: { hostname: peer.media.hostname } }],
    },
  ])
}

const mex: IqHandler = (peer, connection, iq) => {
  const result = timelockQueryResult(iq, companionOf(connection).account.reachoutTimelock)
  return result ?? peer.unhandledIq(iq)
}

const emptyResult: IqHandler = (_peer, _connection, iq) => iqResult(iq)

const HANDLERS: Record<string, IqHandler> = {
  'encrypt': encrypt,
  'privacy': privacy,
  'usync': usync,
  'w:sync:app:state': appState,
  'abt': props,
  'md': multiDevice,
  'w:m': mediaConnection,
  'w:mex': mex,
  'passive': emptyResult,
  'w:p': emptyResult,
  'w:stats': emptyResult,
  'blocklist': (_peer, _connection, iq) => iqResult(iq, [{ tag: 'list', attrs: {} }]),
}

/** Builds the result of one iq from a client, or a 501 `iq type="error"` for a namespace the peer lacks. */
export async function answerIq(
  peer: WhatsAppPeer,
  connection: PeerConnection,
  iq: BinaryNode
): Promise<BinaryNode> {
  const planned = peer.iqFailures.take(iq)
  if (planned) {
    return planned
  }
  const handler = HANDLERS[iq.attrs.xmlns]
  if (!handler) {
    return peer.unhandledIq(iq)
  }
  try {
    return await handler(peer, connection, iq)
  } catch (error) {
    peer.log.warn({ err: error, xmlns: iq.attrs.xmlns }, 'failed to answer iq')
    return iqError(iq, 500, 'internal-server-error')
  }
}
