import './css/app.css'
import { createApp, h, type DefineComponent } from 'vue'
import { createInertiaApp } from '@inertiajs/vue3'
import { resolvePageComponent } from '@adonisjs/inertia/helpers'
import AppLayout from '~/layouts/AppLayout.vue'

createInertiaApp({
  title: (title) => (title ? `${title} · Disparador` : 'Disparador'),
  // Plugin pages are named `plugins/<plugin>/<page>` and live in the plugin's own folder.
  resolve: (name) =>
    name.startsWith('plugins/')
      ? resolvePageComponent(
          `../../plugins/${name.split('/')[1]}/pages/${name.split('/').slice(2).join('/')}.vue`,
          import.meta.glob<DefineComponent>('../../plugins/*/pages/**/*.vue'),
          AppLayout
        )
      : resolvePageComponent(
          `./pages/${name}.vue`,
          import.meta.glob<DefineComponent>('./pages/**/*.vue'),
          AppLayout
        ),
  setup({ el, App, props, plugin }) {
    createApp(() => h(App, props))
      .use(plugin)
      .mount(el)
  },
  progress: { color: '#128c7e' },
})
