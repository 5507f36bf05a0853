// The console's routes (history mode: real paths, which web/embed.go answers
// with index.html). Pages but the Hub load on demand, each in its own chunk.

import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { getToken } from './state/auth'
// The Hub is the first page most visits open: it comes with the main bundle, saving a round trip.
import HubPage from './pages/HubPage.vue'

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'hub', component: HubPage, meta: { title: 'Hub' } },
  { path: '/insights/:id', name: 'insight', component: () => import('./pages/InsightPage.vue'), meta: { title: 'Dashboard' } },
  { path: '/query', name: 'query', component: () => import('./pages/QueryPage.vue'), meta: { title: 'Traffic Query' } },
  { path: '/resources/:workload', name: 'resource', component: () => import('./pages/ResourcePage.vue'), meta: { title: 'Resource' } },
  { path: '/maps/communications', name: 'communications', component: () => import('./pages/CommunicationsMapPage.vue'), meta: { title: 'Communications' } },
  { path: '/maps/threats', name: 'threats', component: () => import('./pages/ThreatMapPage.vue'), meta: { title: 'Global Threat Map' } },
  { path: '/findings', name: 'findings', component: () => import('./pages/FindingsPage.vue'), meta: { title: 'Findings' } },
  { path: '/findings/:id', name: 'finding', component: () => import('./pages/FindingPage.vue'), meta: { title: 'Finding' } },
  { path: '/agent', name: 'agent', component: () => import('./pages/AgentPage.vue'), meta: { title: 'Agent' } },
  { path: '/quarantine', name: 'quarantine', component: () => import('./pages/QuarantinePage.vue'), meta: { title: 'Quarantine' } },
  { path: '/signin', name: 'signin', component: () => import('./pages/SignInPage.vue'), meta: { title: 'Sign in', public: true } },
  { path: '/:rest(.*)*', name: 'notfound', component: () => import('./pages/NotFoundPage.vue'), meta: { title: 'Not found', public: true } },
]

export function makeRouter() {
  const router = createRouter({ history: createWebHistory(), routes })
  // Without a token every page but the sign-in page sends the user there first.
  router.beforeEach((to) => {
    if (!to.meta.public && !getToken()) return { name: 'signin', query: { next: to.fullPath } }
  })
  router.afterEach((to) => {
    document.title = `${to.meta.title ?? ''} · weir`
  })
  return router
}
