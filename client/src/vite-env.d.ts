/// <reference types="vite/client" />

// hls.js ships types for its main entry only; the light build has the same API.
declare module 'hls.js/light' {
  export { default } from 'hls.js'
}
