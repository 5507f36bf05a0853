// The API token: from the sign-in page or from the URL fragment #token=… on
// first load, kept in sessionStorage (gone when the tab closes). Users and
// sessions come with a later issue; this is the one place they will plug in.

const KEY = 'weir.token'

export function getToken(): string {
  try {
    return sessionStorage.getItem(KEY) ?? ''
  } catch {
    return ''
  }
}

export function setToken(token: string): void {
  sessionStorage.setItem(KEY, token.trim())
}

export function clearToken(): void {
  sessionStorage.removeItem(KEY)
}

// takeTokenFromURL stores a #token=… fragment and removes it from the address
// bar, so that it is neither bookmarked nor left in the history. It returns
// whether a token was found.
export function takeTokenFromURL(loc: Location = window.location, hist: History = window.history): boolean {
  const m = /(?:^#|&)token=([^&]+)/.exec(loc.hash)
  if (!m) return false
  setToken(decodeURIComponent(m[1]))
  hist.replaceState(hist.state, '', loc.pathname + loc.search)
  return true
}
