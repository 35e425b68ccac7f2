import { test } from '@japa/runner'
import router from '@adonisjs/core/services/router'
import { Validator } from '@seriousme/openapi-schema-validator'
import type { ApiClient } from '@japa/api-client'

/** `/api/v1/contacts/:id` as OpenAPI writes it: `/api/v1/contacts/{id}`. */
function openApiPath(pattern: string) {
  return pattern.replace(/:([A-Za-z_]+)/g, '{$1}')
}

function apiRoutes() {
  const routes: { path: string; method: string }[] = []
  for (const domainRoutes of Object.values(router.toJSON())) {
    for (const route of domainRoutes) {
      const middleware = [...route.middleware.all()].map((entry: any) => entry.name)
      if (!middleware.includes('apiToken')) continue
      for (const method of route.methods.filter((name) => name !== 'HEAD')) {
        routes.push({ path: openApiPath(route.pattern), method: method.toLowerCase() })
      }
    }
  }
  return routes
}

function collectRefs(value: unknown, refs: Set<string>) {
  if (Array.isArray(value)) {
    value.forEach((item) => collectRefs(item, refs))
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') refs.add(child)
      else collectRefs(child, refs)
    }
  }
}

async function fetchDocument(client: ApiClient) {
  const response = await client.get('/api/v1/openapi.json')
  return response.body()
}

test.group('Api OpenAPI document', () => {
  test('document is OpenAPI 3.1', async ({ client, assert }) => {
    const response = await client.get('/api/v1/openapi.json')
    assert.equal(response.status(), 200)
    const document = response.body()
    assert.equal(document.openapi, '3.1.0')
    assert.isString(document.info.title)
    assert.isString(document.info.version)
    assert.equal(document.components.securitySchemes.bearerToken.scheme, 'bearer')
  })

  test('document passes the schema validator', async ({ client, assert }) => {
    const document = await fetchDocument(client)
    const validator = new Validator()
    const result = await validator.validate(document)
    assert.isTrue(result.valid, JSON.stringify(result.errors, null, 2))
    assert.equal(validator.version, '3.1')
  })

  test('every api route is listed', async ({ client, assert }) => {
    const document = await fetchDocument(client)
    const routes = apiRoutes()
    assert.isAbove(routes.length, 30)
    for (const route of routes) {
      assert.exists(
        document.paths[route.path]?.[route.method],
        `${route.method.toUpperCase()} ${route.path} is missing from the OpenAPI document`
      )
    }

    const registered = new Set(routes.map((route) => `${route.method} ${route.path}`))
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const method of Object.keys(methods as object)) {
        assert.isTrue(registered.has(`${method} ${path}`), `${method} ${path} has no route`)
      }
    }
  })

  test('every operation has responses', async ({ client, assert }) => {
    const document = await fetchDocument(client)
    const operationIds = new Set<string>()
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods as Record<string, any>)) {
        const name = `${method.toUpperCase()} ${path}`
        assert.isAbove(Object.keys(operation.responses).length, 0, `${name} has no responses`)
        assert.property(operation.responses, '401', `${name} lacks 401`)
        assert.property(operation.responses, '429', `${name} lacks 429`)
        assert.isFalse(operationIds.has(operation.operationId), `${name} repeats an operationId`)
        operationIds.add(operation.operationId)
        for (const parameter of path.match(/\{\w+\}/g) ?? []) {
          const declared = (operation.parameters ?? []).some(
            (entry: any) => entry.in === 'path' && `{${entry.name}}` === parameter
          )
          assert.isTrue(declared, `${name} does not declare ${parameter}`)
        }
      }
    }
  })

  test('every schema reference resolves', async ({ client, assert }) => {
    const document = await fetchDocument(client)
    const refs = new Set<string>()
    collectRefs(document, refs)
    assert.isAbove(refs.size, 0)
    for (const ref of refs) {
      const name = ref.replace('#/components/schemas/', '')
      assert.property(document.components.schemas, name, `${ref} does not resolve`)
    }
  })

  test('docs page loads nothing external', async ({ client, assert }) => {
    const response = await client.get('/api/docs')
    assert.equal(response.status(), 200)
    const html = response.text()
    assert.include(html, '/api/v1/openapi.json')
    assert.notMatch(html, /<script[^>]+src=/)
    assert.notMatch(html, /https?:\/\//)
  })
})
