import {
  encodeBigEndian,
  getBinaryNodeChild,
  getBinaryNodeChildren,
  S_WHATSAPP_NET,
  type BinaryNode,
} from '@whiskeysockets/baileys'
import type { PreKeyBundle } from './signal_device.js'

/** Returns the `t` attribute WhatsApp stamps on stanzas, in seconds since the epoch. */
export function unixSeconds(): string {
  return Math.floor(Date.now() / 1000).toString()
}

export function iqResult(request: BinaryNode, content?: BinaryNode[]): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: S_WHATSAPP_NET, type: 'result', id: request.attrs.id },
    content,
  }
}

export function iqError(request: BinaryNode, code: number, text: string): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: S_WHATSAPP_NET, type: 'error', id: request.attrs.id },
    content: [{ tag: 'error', attrs: { code: code.toString(), text } }],
  }
}

export function childBuffer(node: BinaryNode | undefined, tag: string): Buffer | undefined {
  const content = getBinaryNodeChild(node, tag)?.content
  return content instanceof Uint8Array ? Buffer.from(content) : undefined
}

export function childUInt(node: BinaryNode | undefined, tag: string): number | undefined {
  const buffer = childBuffer(node, tag)
  return buffer?.length ? buffer.readUIntBE(0, buffer.length) : undefined
}

export function contentText(node: BinaryNode | undefined): string | undefined {
  const content = node?.content
  if (typeof content === 'string') {
    return content
  }
  return content instanceof Uint8Array ? Buffer.from(content).toString('utf8') : undefined
}

export function children(node: BinaryNode | undefined, tag?: string): BinaryNode[] {
  if (tag) {
    return getBinaryNodeChildren(node, tag)
  }
  return Array.isArray(node?.content) ? node.content : []
}

/** Encodes a bundle's keys (type, identity, signed pre-key and one-time pre-key). */
export function bundleKeyNodes(bundle: PreKeyBundle): BinaryNode[] {
  const content: BinaryNode[] = [
    { tag: 'type', attrs: {}, content: Buffer.from([5]) },
    { tag: 'identity', attrs: {}, content: bundle.identityKey },
    {
      tag: 'skey',
      attrs: {},
      content: [
        { tag: 'id', attrs: {}, content: encodeBigEndian(bundle.signedPreKey.keyId, 3) },
        { tag: 'value', attrs: {}, content: bundle.signedPreKey.publicKey },
        { tag: 'signature', attrs: {}, content: bundle.signedPreKey.signature },
      ],
    },
  ]
  if (bundle.preKey) {
    content.push({
      tag: 'key',
      attrs: {},
      content: [
        { tag: 'id', attrs: {}, content: encodeBigEndian(bundle.preKey.keyId, 3) },
        { tag: 'value', attrs: {}, content: bundle.preKey.publicKey },
      ],
    })
  }
  return content
}

/** Encodes a bundle as the `<user>` entry of an `encrypt` key fetch result. */
export function bundleNode(jid: string, bundle: PreKeyBundle): BinaryNode {
  const registration: BinaryNode = {
    tag: 'registration',
    attrs: {},
    content: encodeBigEndian(bundle.registrationId, 4),
  }
  return { tag: 'user', attrs: { jid }, content: [registration, ...bundleKeyNodes(bundle)] }
}
