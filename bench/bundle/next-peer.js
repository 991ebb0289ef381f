// Next.js's own figures for a build: its `computeFromManifest` and
// `getJsPageSizeInKb` (the functions `next build` prints its table from),
// loaded from an installed `next` package, for every App Router route and
// every Pages Router entry. Prints JSON: {routes: {"app /x": [size,
// firstLoad]}, shared: {app, pages}}.
//
//   node next-peer.js NODE_MODULES_PARENT DIST_DIR
const path = require('path')
const fs = require('fs')
const [nmDir, distDir] = process.argv.slice(2)
const req = (m) => require(path.join(nmDir, 'node_modules', m))
const utils = req('next/dist/build/utils.js')
const { normalizePagePath } = req('next/dist/shared/lib/page-path/normalize-page-path.js')
const read = (f) => JSON.parse(fs.readFileSync(path.join(distDir, f), 'utf8'))

;(async () => {
  const build = read('build-manifest.json')
  const app = read('app-build-manifest.json')
  const appRoutes = [...new Set(Object.values(read('app-path-routes-manifest.json')))]
  const pagesManifest = read('server/pages-manifest.json')
  const pageRoutes = [
    ...Object.keys(build.pages),
    ...Object.keys(pagesManifest).filter((k) => /^\/api(\/|$)/.test(k)),
  ]
  const stats = await utils.computeFromManifest({ build, app }, distDir, true)
  const out = { routes: {}, shared: {} }
  await Promise.all([
    ...appRoutes.map(async (r) => {
      out.routes['app ' + r] = await utils.getJsPageSizeInKb('app', normalizePagePath(r), distDir, build, app, true, stats)
    }),
    ...pageRoutes.map(async (r) => {
      out.routes['pages ' + r] = await utils.getJsPageSizeInKb('pages', normalizePagePath(r), distDir, build, app, true, stats)
    }),
  ])
  // The shared totals as printTreeView recomputes them (App Router keys
  // normalized by the calls above).
  const again = await utils.computeFromManifest({ build, app }, distDir, true, new Map())
  out.shared = { app: again.router.app.common.size.total, pages: again.router.pages.common.size.total }
  console.log(JSON.stringify(out))
})()
