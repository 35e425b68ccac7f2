import { execFile } from 'node:child_process'
import { createHmac, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { Agent, createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { aesDecryptWithIV, getMediaKeys, type MediaType, type proto } from '@whiskeysockets/baileys'

const MAC_LENGTH = 10
const CERTIFICATE_DAYS = 2

/** A self-signed certificate for 127.0.0.1, made once per process. */
let certificate: Promise<{ key: Buffer; cert: Buffer }> | undefined

async function createCertificate() {
  const folder = await mkdtemp(join(tmpdir(), 'whatsapp-peer-'))
  const keyPath = join(folder, 'key.pem')
  const certPath = join(folder, 'cert.pem')
  try {
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      CERTIFICATE_DAYS.toString(),
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ])
    return { key: await readFile(keyPath), cert: await readFile(certPath) }
  } catch (error) {
    throw new Error(
      `failed to create the media server certificate with openssl (install openssl): ${error}`
    )
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}

/** Media messages with their WhatsApp media type, as Baileys encrypts them. */
const MEDIA_FIELDS: [keyof proto.IMessage, MediaType][] = [
  ['imageMessage', 'image'],
  ['videoMessage', 'video'],
  ['audioMessage', 'audio'],
  ['documentMessage', 'document'],
  ['stickerMessage', 'sticker'],
]

/**
 * The media upload host (`mmg.whatsapp.net` in production) on 127.0.0.1 over
 * HTTPS with a self-signed certificate. Baileys uploads the encrypted file
 * here, and simulated contacts decrypt the stored copy.
 */
export class MediaServer {
  readonly #files = new Map<string, Buffer>()
  readonly #redirects = new Map<string, string>()
  /** Paths of the GET requests received, in order. */
  readonly requests: string[] = []

  private constructor(
    private server: Server,
    readonly agent: Agent
  ) {
    server.on('request', (request, response) => {
      const path = new URL(request.url ?? '/', 'https://127.0.0.1').pathname
      if (request.method === 'GET') {
        this.requests.push(path)
        const location = this.#redirects.get(path)
        if (location) {
          response.writeHead(302, { location }).end()
          return
        }
        const file = this.#files.get(path)
        response.writeHead(file ? 200 : 404).end(file)
        return
      }
      const chunks: Buffer[] = []
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      request.on('end', () => {
        const directPath = `${path.split('/').slice(0, -1).join('/')}/${randomBytes(12).toString('hex')}`
        this.#files.set(directPath, Buffer.concat(chunks))
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(
          JSON.stringify({ url: `${this.origin}${directPath}`, direct_path: directPath })
        )
      })
    })
  }

  static async start(): Promise<MediaServer> {
    certificate ??= createCertificate()
    const { key, cert } = await certificate
    const server = createServer({ key, cert })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    return new MediaServer(server, new Agent({ ca: cert }))
  }

  /** `host:port` as the `<media_conn>` host entry carries it. */
  get hostname(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  get origin(): string {
    return `https://${this.hostname}`
  }

  /** Serves `file` as it is at a new path, as a public host of media URLs would, and returns its URL. */
  serve(file: Buffer) {
    const path = `/files/${randomBytes(8).toString('hex')}`
    this.#files.set(path, file)
    return `${this.origin}${path}`
  }

  /** Redirects a new path to `location` with a 302, and returns its URL. */
  redirect(location: string) {
    const path = `/redirects/${randomBytes(8).toString('hex')}`
    this.#redirects.set(path, location)
    return `${this.origin}${path}`
  }

  /**
   * Decrypts the media a message refers to (AES-256-CBC with the keys
   * expanded from `mediaKey`, after checking the 10-byte HMAC), or returns
   * `undefined` for a message without uploaded media.
   */
  async decryptMedia(message: proto.IMessage): Promise<Buffer | undefined> {
    for (const [field, mediaType] of MEDIA_FIELDS) {
      const media = message[field] as proto.Message.IImageMessage | undefined
      const file = media?.directPath ? this.#files.get(media.directPath) : undefined
      if (!media?.mediaKey || !file) {
        continue
      }
      const { iv, cipherKey, macKey } = await getMediaKeys(media.mediaKey, mediaType)
      if (!macKey) {
        throw new Error(`no MAC key derived for ${mediaType} media`)
      }
      const ciphertext = file.subarray(0, file.length - MAC_LENGTH)
      const mac = createHmac('sha256', macKey).update(iv).update(ciphertext).digest()
      if (!mac.subarray(0, MAC_LENGTH).equals(file.subarray(file.length - MAC_LENGTH))) {
        throw new Error(`media at ${media.directPath} failed its HMAC check`)
      }
      return aesDecryptWithIV(ciphertext, cipherKey, iv)
    }
  }

  async close() {
    this.agent.destroy()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}
