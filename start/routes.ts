/**
 * HTTP routes. Every page behind `auth` and `tenant` runs inside the current
 * tenant's scope.
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import SectionsController, { UPCOMING_SECTIONS } from '#controllers/sections_controller'

const HealthController = () => import('#controllers/health_controller')
const SessionController = () => import('#controllers/session_controller')
const SignUpController = () => import('#controllers/sign_up_controller')
const PasswordResetController = () => import('#controllers/password_reset_controller')
const InvitationsController = () => import('#controllers/invitations_controller')
const MembersController = () => import('#controllers/members_controller')
const ProfileController = () => import('#controllers/profile_controller')
const DashboardController = () => import('#controllers/dashboard_controller')
const WorkspacesController = () => import('#controllers/workspaces_controller')
const WorkspaceDeletionsController = () => import('#controllers/workspace_deletions_controller')

router.get('/health', [HealthController, 'health'])
router.get('/ready', [HealthController, 'ready'])

router
  .group(() => {
    router.get('/signup', [SignUpController, 'create']).as('signup.create')
    router.post('/signup', [SignUpController, 'store']).as('signup.store')
    router.get('/login', [SessionController, 'create']).as('session.create')
    router.post('/login', [SessionController, 'store']).as('session.store')
    router.get('/forgot-password', [PasswordResetController, 'create']).as('password.forgot')
    router.post('/forgot-password', [PasswordResetController, 'store']).as('password.email')
    router.get('/reset-password/:token', [PasswordResetController, 'edit']).as('password.reset')
    router.post('/reset-password/:token', [PasswordResetController, 'update']).as('password.update')
  })
  .use(middleware.guest())

router.get('/invitations/:token', [InvitationsController, 'show']).as('invitations.show')
router.post('/invitations/:token', [InvitationsController, 'accept']).as('invitations.accept')

router.post('/logout', [SessionController, 'destroy']).as('session.destroy').use(middleware.auth())

// Without the tenant middleware: an account that belongs to no workspace creates one here,
// and the members of a workspace being deleted follow its deletion.
router
  .group(() => {
    router.get('/workspaces/start', [WorkspacesController, 'start']).as('workspaces.start')
    router.post('/workspaces', [WorkspacesController, 'store']).as('workspaces.store')
    router
      .get('/workspaces/deletions/:id', [WorkspaceDeletionsController, 'show'])
      .where('id', /^\d+$/)
      .as('workspaces.deletions.show')
    router
      .post('/workspaces/deletions/:id/continue', [WorkspaceDeletionsController, 'continue'])
      .where('id', /^\d+$/)
      .as('workspaces.deletions.continue')
  })
  .use(middleware.auth())

router
  .group(() => {
    router.get('/', [DashboardController, 'show']).as('dashboard')

    for (const section of UPCOMING_SECTIONS) {
      router.get(`/${section}`, (ctx) => SectionsController.render(ctx, section)).as(section)
    }

    router.get('/profile', [ProfileController, 'show']).as('profile')
    router.put('/profile/locale', [ProfileController, 'updateLocale']).as('profile.locale')
    router.put('/profile/name', [ProfileController, 'updateName']).as('profile.name')
    router.put('/profile/password', [ProfileController, 'updatePassword']).as('profile.password')
    router.post('/tenants/switch', [ProfileController, 'switchTenant']).as('tenants.switch')
    router.get('/workspaces/new', [WorkspacesController, 'create']).as('workspaces.create')

    router.get('/settings', ({ response }) => response.redirect('/settings/members')).as('settings')
    router.get('/settings/members', [MembersController, 'index']).as('members.index')
    router.put('/settings/members/:id', [MembersController, 'update']).as('members.update')
    router.delete('/settings/members/:id', [MembersController, 'destroy']).as('members.destroy')
    router.post('/settings/invitations', [InvitationsController, 'store']).as('invitations.store')
    router
      .delete('/settings/invitations/:id', [InvitationsController, 'destroy'])
      .as('invitations.destroy')
  })
  .use([middleware.auth(), middleware.tenant()])
import '#start/routes/audience'
import '#start/routes/plugins'
import '#start/routes/campaigns'
import '#start/routes/metrics'
import '#start/routes/channels'
import '#start/routes/engine'
import '#start/routes/reports'
import '#start/routes/api'
import '#start/routes/inbox'
import '#start/routes/campaign_messages'
import '#start/routes/tenant_settings'
