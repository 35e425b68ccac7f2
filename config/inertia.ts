import { defineConfig } from '@adonisjs/inertia'

const inertiaConfig = defineConfig({
  rootView: 'inertia_layout',
  ssr: { enabled: false, entrypoint: 'resources/js/ssr.ts' },
})

export default inertiaConfig

/**
 * Page components live in resources/js/pages and are resolved in the browser
 * by name, so any page name is accepted here and a wrong one fails in the
 * browser tests.
 */
declare module '@adonisjs/inertia/types' {
  export interface InertiaPages {
    [page: string]: Record<string, any>
  }
}
