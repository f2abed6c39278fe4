import type { LanguageModelV4FilePart } from '@ai-sdk/provider';

/** Media types told apart by their first bytes, for images given without a full media type. */
const SIGNATURES: readonly (readonly [string, readonly number[]])[] = [
  ['image/png', [0x89, 0x50, 0x4e, 0x47]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/gif', [0x47, 0x49, 0x46, 0x38]],
  ['image/webp', [0x52, 0x49, 0x46, 0x46]],
];

function bytesOf(data: Uint8Array | string): Uint8Array {
  // Only the first bytes are looked at: 16 base64 characters are 12 bytes.
  return typeof data === 'string' ? Buffer.from(data.slice(0, 16), 'base64') : data;
}

function sniff(data: Uint8Array | string): string | undefined {
  const bytes = bytesOf(data);
  for (const [mediaType, signature] of SIGNATURES) {
    if (signature.every((byte, index) => bytes[index] === byte)) return mediaType;
  }
  return undefined;
}

/** `image` or `image/…`: the only files the router's messages can hold. */
export function isImage(mediaType: string): boolean {
  return mediaType === 'image' || mediaType.startsWith('image/');
}

/**
 * An image file part as the URL the router sends: its `http(s):` URL as given (the gateway fetches
 * it), or a base64 `data:` URL of its bytes. `undefined` for a part that is not an image.
 */
export function imageUrl(part: LanguageModelV4FilePart): string | undefined {
  if (!isImage(part.mediaType)) return undefined;
  const { data } = part;
  if (data.type === 'url') return data.originalUrl ?? data.url.href;
  if (data.type !== 'data') return undefined;
  const full = /^image\/[\w.+-]+$/.test(part.mediaType) ? part.mediaType : sniff(data.data);
  const base64 = typeof data.data === 'string' ? data.data : Buffer.from(data.data).toString('base64');
  return `data:${full ?? 'image/jpeg'};base64,${base64}`;
}
