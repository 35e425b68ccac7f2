/** A rectangle on the canvas, in flow pixels, with `x` and `y` at its top-left corner. */
interface Bounds {
  x: number
  y: number
  width: number
  height: number
}

/** Options of `viewportClearOf`. */
export interface FitOptions {
  /** Room around the steps, as a fraction of their size, as in Vue Flow's `fitView`. */
  padding: number
  /** Zoom limits of the canvas. */
  minZoom: number
  maxZoom: number
}

/**
 * Returns the viewport (pan in screen pixels, zoom) that shows all of
 * `bounds` in a pane of `pane` size, kept out of `corner`, the size of a
 * panel in the pane's bottom-right corner such as the minimap. The steps go
 * either left of the panel or above it, whichever allows the larger zoom.
 * At the minimum zoom a very large flow may still reach under the panel.
 */
export function viewportClearOf(
  bounds: Bounds,
  pane: { width: number; height: number },
  corner: { width: number; height: number } | null,
  options: FitOptions
) {
  const areas = corner
    ? [
        { width: pane.width - corner.width, height: pane.height },
        { width: pane.width, height: pane.height - corner.height },
      ]
    : [pane]

  let best: { x: number; y: number; zoom: number } | null = null
  for (const area of areas) {
    if (area.width <= 0 || area.height <= 0) continue
    const fitting = Math.min(
      area.width / (Math.max(bounds.width, 1) * (1 + options.padding)),
      area.height / (Math.max(bounds.height, 1) * (1 + options.padding))
    )
    const zoom = Math.min(Math.max(fitting, options.minZoom), options.maxZoom)
    if (best && best.zoom >= zoom) continue
    best = {
      x: (area.width - bounds.width * zoom) / 2 - bounds.x * zoom,
      y: (area.height - bounds.height * zoom) / 2 - bounds.y * zoom,
      zoom,
    }
  }
  return best ?? { x: -bounds.x, y: -bounds.y, zoom: options.minZoom }
}
