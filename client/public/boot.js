// Apply the saved accessibility settings and language before the first paint (no flash).
// A separate file because the server's Content-Security-Policy forbids inline scripts.
try {
  var p = JSON.parse(localStorage.getItem('kenes.a11y') || '{}'),
    h = document.documentElement
  if (p.fontScale) h.style.fontSize = 100 * p.fontScale + '%'
  if (p.highContrast) h.classList.add('hc')
  if (p.hideImages) h.classList.add('no-img')
  var m = document.cookie.match(/(?:^|; )lng=(kk|ru)/)
  if (m) h.lang = m[1]
} catch (e) {}
