import type { HttpContext } from '@adonisjs/core/http'
import Membership from '#models/membership'

export default class DashboardController {
  async show({ inertia }: HttpContext) {
    const members = await Membership.query().count('* as total').first()
    return inertia.render('dashboard', {
      memberCount: Number(members?.$extras.total ?? 0),
    })
  }
}
