/** A rectangle on the canvas, in flow pixels, with `x` and `y` at its top-left corner. */
export interface FlowRect {
  x: number
  y: number
  width: number
  height: number
}

/** Size assumed for a step Vue Flow has not measured, in flow pixels. Cards are at most 260 wide. */
export const STEP_SIZE = { width: 260, height: 130 }

/** Space kept free around each step, in flow pixels. */
const GAP = 40

/** Rings of the search around the start. Past them the step goes below all the others. */
const MAX_RINGS = 16

function overlaps(a: FlowRect, b: FlowRect) {
  return (
    a.x < b.x + b.width + GAP &&
    b.x < a.x + a.width + GAP &&
    a.y < b.y + b.height + GAP &&
    b.y < a.y + a.height + GAP
  )
}

function contains(outer: FlowRect, inner: FlowRect) {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  )
}

/** Grid offsets on the ring `ring` around the origin, nearest first, then right, below, left, above. */
function ringOffsets(ring: number) {
  const offsets: { column: number; row: number }[] = []
  for (let column = -ring; column <= ring; column++) {
    for (let row = -ring; row <= ring; row++) {
      if (Math.max(Math.abs(column), Math.abs(row)) === ring) offsets.push({ column, row })
    }
  }
  return offsets.sort(
    (a, b) =>
      Math.hypot(a.column, a.row) - Math.hypot(b.column, b.row) ||
      b.column - a.column ||
      b.row - a.row
  )
}

/** Candidate spots around `start` on a grid of half-step cells, nearest first. */
function* candidates(start: { x: number; y: number }, size: { width: number; height: number }) {
  const columnWidth = (size.width + GAP) / 2
  const rowHeight = (size.height + GAP) / 2
  for (let ring = 0; ring <= MAX_RINGS; ring++) {
    for (const { column, row } of ringOffsets(ring)) {
      yield {
        x: Math.round(start.x + column * columnWidth),
        y: Math.round(start.y + row * rowHeight),
      }
    }
  }
}

/**
 * Returns the top-left corner for a new step of `size` that covers no step
 * of `occupied`: `start` when it is free, or else the nearest free cell of a
 * grid around it. A free cell inside `visible`, the part of the canvas on
 * screen, wins over a nearer one outside. When the search finds nothing,
 * the step goes below all the others.
 */
export function freeSpot(
  start: { x: number; y: number },
  size: { width: number; height: number },
  occupied: FlowRect[],
  visible?: FlowRect
) {
  const isFree = (spot: { x: number; y: number }) =>
    !occupied.some((rect) => overlaps({ ...spot, ...size }, rect))

  let outside: { x: number; y: number } | null = null
  for (const spot of candidates(start, size)) {
    if (!isFree(spot)) continue
    if (!visible || contains(visible, { ...spot, ...size })) return spot
    outside ??= spot
  }
  if (outside) return outside

  const bottom = Math.max(...occupied.map((rect) => rect.y + rect.height))
  return { x: Math.round(start.x), y: Math.round(bottom + GAP) }
}

/** Returns the smallest rectangle around all of `rects`, or null when there are none. */
export function boundsOf(rects: FlowRect[]): FlowRect | null {
  if (rects.length === 0) return null
  const left = Math.min(...rects.map((rect) => rect.x))
  const top = Math.min(...rects.map((rect) => rect.y))
  const right = Math.max(...rects.map((rect) => rect.x + rect.width))
  const bottom = Math.max(...rects.map((rect) => rect.y + rect.height))
  return { x: left, y: top, width: right - left, height: bottom - top }
}
