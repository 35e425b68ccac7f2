import { randomUUID } from 'node:crypto'
import drive from '@adonisjs/drive/services/main'
import logger from '@adonisjs/core/services/logger'
import type { InboundMessage, MediaValue } from '#sdk'

/** Largest inbound file stored, in bytes: 16 MB, the size the inbox composer accepts. */
export const INBOUND_MEDIA_MAX_BYTES = 16 * 1024 * 1024

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'video/mp4': 'mp4',
  'application/pdf': 'pdf',
}

/**
 * Downloads an inbound message's media through the driver and stores it
 * on the drive under `inbox/<tenantId>/`, so the inbox can preview or
 * download it. A failed or oversized download is logged and the media is
 * kept as its type and name only (an empty `source`), because the message
 * itself must still be stored.
 */
export async function storeInboundMedia(
  tenantId: number,
  instanceId: number,
  inbound: InboundMessage
): Promise<MediaValue | null> {
  const media = inbound.media
  if (!media) {
    return null
  }
  const described = { source: '', mimeType: media.mimeType, fileName: media.fileName }
  try {
    const bytes = await media.download()
    if (bytes.length > INBOUND_MEDIA_MAX_BYTES) {
      logger.warn(
        { instanceId, providerMessageId: inbound.providerMessageId, bytes: bytes.length },
        'inbound media too large, not stored'
      )
      return described
    }
    const extension = EXTENSIONS[media.mimeType] ?? 'bin'
    const key = `inbox/${tenantId}/${randomUUID()}.${extension}`
    await drive.use().put(key, bytes)
    return { ...described, source: key }
  } catch (error) {
    logger.warn(
      { err: error, instanceId, providerMessageId: inbound.providerMessageId },
      'inbound media download failed'
    )
    return described
  }
}
