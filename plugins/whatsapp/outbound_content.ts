import { drive, type OutboundMessage } from '#sdk'
import type { OutboundContent } from './baileys_adapter.js'
import { fetchRemoteMedia, type RemoteMediaOptions } from './remote_media.js'

/** The kind of WhatsApp message a MIME type is sent as. */
export function mediaKind(mimeType: string): 'image' | 'audio' | 'document' {
  if (/^image\/(jpeg|png|webp)$/.test(mimeType)) {
    return 'image'
  }
  if (mimeType.startsWith('audio/')) {
    return 'audio'
  }
  return 'document'
}

/**
 * The content of an outbound message: its text, or its media with the
 * text as caption. Media stored on the install's drive is read here, and an
 * `https://` source is fetched here through `fetchRemoteMedia`, so Baileys
 * never requests a URL a tenant entered.
 */
export async function outboundContent(
  message: OutboundMessage,
  remote: RemoteMediaOptions
): Promise<OutboundContent> {
  const media = message.media
  if (!media) {
    return { kind: 'text', text: message.text ?? '' }
  }
  const data = media.source.startsWith('https://')
    ? await fetchRemoteMedia(media.source, remote)
    : Buffer.from(await drive.use().getBytes(media.source))
  return {
    kind: mediaKind(media.mimeType),
    data,
    mimeType: media.mimeType,
    fileName: media.fileName,
    caption: message.text,
  }
}
