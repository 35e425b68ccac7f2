import { test } from '@japa/runner'
import {
  boundsOf,
  freeSpot,
  type FlowRect,
} from '../../../resources/js/components/flow/flow_placement.js'
import { viewportClearOf } from '../../../resources/js/components/flow/flow_viewport.js'

const SIZE = { width: 240, height: 120 }

function overlap(a: FlowRect, b: FlowRect) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

test.group('Flow canvas placement', () => {
  test('free start is kept', ({ assert }) => {
    assert.deepEqual(freeSpot({ x: 100, y: 50 }, SIZE, []), { x: 100, y: 50 })
  })

  test('steps added at one spot never overlap', ({ assert }) => {
    const occupied: FlowRect[] = []
    for (let index = 0; index < 30; index++) {
      const spot = freeSpot({ x: 0, y: 0 }, SIZE, occupied)
      for (const rect of occupied) {
        assert.isFalse(overlap({ ...spot, ...SIZE }, rect), `step ${index} covers another`)
      }
      occupied.push({ ...spot, ...SIZE })
    }
  })

  test('second step goes right of the first', ({ assert }) => {
    const spot = freeSpot({ x: 0, y: 0 }, SIZE, [{ x: 0, y: 0, ...SIZE }])
    assert.equal(spot.y, 0)
    assert.isAbove(spot.x, SIZE.width)
  })

  test('room on screen wins over nearer room', ({ assert }) => {
    const visible = { x: -400, y: 0, width: 700, height: 400 }
    const spot = freeSpot({ x: 0, y: 0 }, SIZE, [{ x: 0, y: 0, ...SIZE }], visible)
    assert.isAtLeast(spot.x, visible.x)
    assert.isAtMost(spot.x + SIZE.width, visible.x + visible.width)
    assert.isAtLeast(spot.y, visible.y)
  })

  test('crowded canvas puts the step below', ({ assert }) => {
    const wall = { x: -100_000, y: -100_000, width: 200_000, height: 200_000 }
    assert.deepEqual(freeSpot({ x: 0, y: 0 }, SIZE, [wall]), { x: 0, y: 100_040 })
  })
})

test.group('Flow canvas viewport', () => {
  test('bounds cover every step', ({ assert }) => {
    assert.isNull(boundsOf([]))
    assert.deepEqual(
      boundsOf([
        { x: -10, y: 5, width: 100, height: 50 },
        { x: 200, y: -40, width: 60, height: 30 },
      ]),
      { x: -10, y: -40, width: 270, height: 95 }
    )
  })

  const options = { padding: 0.1, minZoom: 0.1, maxZoom: 1 }
  const pane = { width: 800, height: 500 }
  const corner = { width: 230, height: 180 }

  /** Returns the steps' bounds on screen for a viewport. */
  function onScreen(bounds: FlowRect, viewport: { x: number; y: number; zoom: number }) {
    return {
      x: bounds.x * viewport.zoom + viewport.x,
      y: bounds.y * viewport.zoom + viewport.y,
      width: bounds.width * viewport.zoom,
      height: bounds.height * viewport.zoom,
    }
  }

  test('wide flow stays above the corner', ({ assert }) => {
    const bounds = { x: 0, y: 0, width: 2000, height: 300 }
    const screen = onScreen(bounds, viewportClearOf(bounds, pane, corner, options))
    assert.isAtLeast(screen.x, 0)
    assert.isAtMost(screen.x + screen.width, pane.width)
    assert.isAtMost(screen.y + screen.height, pane.height - corner.height)
  })

  test('tall flow stays left of the corner', ({ assert }) => {
    const bounds = { x: -300, y: 40, width: 400, height: 3000 }
    const screen = onScreen(bounds, viewportClearOf(bounds, pane, corner, options))
    assert.isAtLeast(screen.y, 0)
    assert.isAtMost(screen.y + screen.height, pane.height)
    assert.isAtMost(screen.x + screen.width, pane.width - corner.width)
  })

  test('zoom stays within limits', ({ assert }) => {
    const small = { x: 0, y: 0, width: 100, height: 50 }
    assert.equal(viewportClearOf(small, pane, corner, options).zoom, 1)
    const huge = { x: 0, y: 0, width: 1_000_000, height: 1_000_000 }
    assert.equal(viewportClearOf(huge, pane, null, options).zoom, 0.1)
  })
})
