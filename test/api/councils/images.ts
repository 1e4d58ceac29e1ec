import sharp from 'sharp'

/** Real images made on the fly (no binary fixtures in git). */
export async function pngImage(width = 64, height = 64): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 20, g: 120, b: 200 } } })
    .png()
    .toBuffer()
}
export async function jpegImage(width = 64, height = 64): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 20 } } })
    .jpeg()
    .toBuffer()
}
/** A PNG cut in the middle: right magic bytes, undecodable body. */
export async function truncatedPng(): Promise<Buffer> {
  const png = await sharp({
    create: {
      width: 300,
      height: 300,
      channels: 3,
      background: { r: 0, g: 0, b: 0 },
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .png()
    .toBuffer()
  return png.subarray(0, Math.floor(png.length / 2))
}
/** Just over `bytes`, starting with a PNG signature so only the size can refuse it. */
export function oversizePng(bytes: number): Buffer {
  const buf = Buffer.alloc(bytes + 1024, 0)
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(buf)
  return buf
}
export const textFile = (): Buffer => Buffer.from('This is a plain text file pretending to be an image.\n')
