import './css/app.css'
import { createApp, h, type DefineComponent } from 'vue'
import { createInertiaApp } from '@inertiajs/vue3'
import { resolvePageComponent } from '@adonisjs/inertia/helpers'
import AppLayout from '~/layouts/AppLayout.vue'

createInertiaApp({
  title: (title) => (title ? `${title} · Disparador` : 'Disparador'),
  resolve: (name) =>
    resolvePageComponent(
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
