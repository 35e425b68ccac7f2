/**
 * The Prometheus endpoint, outside sign-in and tenants: it reports the
 * whole install and authenticates scrapers with METRICS_TOKEN.
 */
import router from '@adonisjs/core/services/router'

const MetricsController = () => import('#controllers/metrics_controller')

router.get('/metrics', [MetricsController, 'show']).as('metrics')
