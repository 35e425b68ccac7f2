import app from '@adonisjs/core/services/app'
import { defineConfig, services } from '@adonisjs/drive'
import env from '#start/env'
import { dataPath } from '#services/data_paths'

/**
 * File storage for imports, reports, template and inbox media. The local
 * disk keeps files under STORAGE_PATH, `storage/` in the application root
 * by default. Files are private and reach the browser only through
 * controllers that check the tenant. A build runs from its own folder, so
 * `script/server` and `compose.yaml` point STORAGE_PATH outside it, where
 * files outlive a new build and every process of the install finds them.
 */
const driveConfig = defineConfig({
  default: 'fs',
  services: {
    fs: services.fs({
      location: dataPath(env.get('STORAGE_PATH'), 'storage', app.appRoot.pathname),
      serveFiles: false,
      visibility: 'private',
    }),
  },
})

export default driveConfig

declare module '@adonisjs/drive/types' {
  export interface DriveDisks extends InferDriveDisks<typeof driveConfig> {}
}
