import sharp from 'sharp'
import { AppError } from './errors.js'

/**
 * Re-encodes an uploaded image: strips metadata (EXIF GPS!), applies the EXIF orientation, bounds
 * its size and writes WebP. Anything sharp cannot decode is refused upstream as unsupported.
 */
export async function reencodeImage(
  srcPath: string,
  opts: { maxWidth: number; maxHeight: number; quality?: number },
): Promise<Buffer> {
  try {
    return await sharp(srcPath, { limitInputPixels: 40_000_000, failOn: 'error' })
      .rotate()
      .resize({ width: opts.maxWidth, height: opts.maxHeight, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: opts.quality ?? 82 })
      .toBuffer()
  } catch {
    // Right magic bytes, undecodable body (truncated or crafted): refused like a wrong type.
    throw new AppError(415, 'upload.unsupported_type', { allowed: 'jpeg, png, webp' })
  }
}
