import { createHash } from 'node:crypto'

/**
 * Returns a point in [0, 100) from the journey and node ids, the same on
 * every run: SHA-256 of `<journeyId>:<nodeId>`, its first 32 bits read as
 * a fraction. SHA-256 spreads consecutive ids evenly, so over many
 * journeys the points are uniform.
 */
export function splitPoint(journeyId: number, nodeId: string) {
  const digest = createHash('sha256').update(`${journeyId}:${nodeId}`).digest()
  return (digest.readUInt32BE(0) / 2 ** 32) * 100
}

/**
 * Picks the index of the path whose share contains the journey's point: with
 * shares 30 and 70, points below 30 take the first path. Shares add up to
 * 100, and a point past the last share (rounding) takes the last path.
 */
export function pickPath(shares: number[], journeyId: number, nodeId: string) {
  const point = splitPoint(journeyId, nodeId)
  let bound = 0
  for (const [index, share] of shares.entries()) {
    bound += share
    if (point < bound) {
      return index
    }
  }
  return shares.length - 1
}
