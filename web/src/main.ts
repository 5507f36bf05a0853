import { createApp } from 'vue'
import App from './App.vue'
import { makeRouter } from './router'
import { onUnauthorized } from './api/client'
import { takeTokenFromURL } from './state/auth'
import './styles.css'

// `weir demo` prints the console's address with #token=…: take it before the router reads the URL.
takeTokenFromURL()

const router = makeRouter()
onUnauthorized(() => {
  const here = router.currentRoute.value
  if (here.name !== 'signin') router.push({ name: 'signin', query: { next: here.fullPath, expired: '1' } })
})

createApp(App).use(router).mount('#app')
