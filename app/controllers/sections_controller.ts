import type { HttpContext } from '@adonisjs/core/http'

/**
 * Sections of the navigation whose features are not built yet. Each page
 * says what it will hold and offers no controls that do nothing.
 */
export const UPCOMING_SECTIONS = [] as const

export default class SectionsController {
  static render({ inertia }: HttpContext, section: (typeof UPCOMING_SECTIONS)[number]) {
    return inertia.render('section_upcoming', { section })
  }
}
