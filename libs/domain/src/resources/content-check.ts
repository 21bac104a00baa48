import { filetypeinfo } from 'magic-bytes.js';
import { extname } from 'node:path';

/** Bytes of the start of a file the detector looks at (signatures sit in the first few KB). */
export const SNIFF_BYTES = 4100;

/** Extensions never accepted, whatever the content (programs and scripts a teacher's PC could run). */
const BLOCKED_EXTENSIONS = new Set([
  'exe', 'dll', 'com', 'scr', 'msi', 'msp', 'bat', 'cmd', 'ps1', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'hta', 'cpl',
  'jar', 'apk', 'sh', 'bin', 'elf', 'app', 'dmg', 'deb', 'rpm', 'lnk', 'reg', 'pif',
]);

/**
 * magic-bytes.js type names of executable content. Only definite signatures: a zip lists jar/apk as candidates and
 * a few leading zero bytes list pif, so those must not count (every .docx and .mp4 would be an "executable").
 */
const EXECUTABLE_TYPES = new Set(['exe', 'ELF', 'Mach-O', 'class', 'dex', 'wasm']);
/** What magic-bytes.js may report for plain text (byte-order marks, JSON, XML). */
const TEXT_TYPES = new Set(['txt', 'Json', 'xml']);

interface Expected {
  /** Type names of magic-bytes.js accepted for the extension; empty for text formats (no signature). */
  types: string[];
  mime: string;
}

const OOXML = ['zip', 'docx', 'xlsx', 'pptx'];
const CFB = ['doc', 'xls', 'ppt', 'msi', 'msg'];
const ISO_MEDIA = ['mp4', 'mov', 'm4v', 'm4a', '3gp', '3g2', 'heif', 'avif'];

/** What a known extension's content must look like, and the type the download is served with. */
const EXPECTED: Record<string, Expected> = {
  pdf: { types: ['pdf'], mime: 'application/pdf' },
  doc: { types: CFB, mime: 'application/msword' },
  xls: { types: CFB, mime: 'application/vnd.ms-excel' },
  ppt: { types: CFB, mime: 'application/vnd.ms-powerpoint' },
  pps: { types: CFB, mime: 'application/vnd.ms-powerpoint' },
  docx: { types: OOXML, mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  xlsx: { types: OOXML, mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  pptx: { types: OOXML, mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation' },
  ppsx: { types: OOXML, mime: 'application/vnd.openxmlformats-officedocument.presentationml.slideshow' },
  odt: { types: ['zip', 'odt'], mime: 'application/vnd.oasis.opendocument.text' },
  ods: { types: ['zip', 'ods'], mime: 'application/vnd.oasis.opendocument.spreadsheet' },
  odp: { types: ['zip', 'odp'], mime: 'application/vnd.oasis.opendocument.presentation' },
  // WPS Office formats are OLE compound files.
  wps: { types: CFB, mime: 'application/vnd.ms-works' },
  et: { types: CFB, mime: 'application/vnd.ms-excel' },
  dps: { types: CFB, mime: 'application/vnd.ms-powerpoint' },
  zip: { types: ['zip'], mime: 'application/zip' },
  rar: { types: ['rar'], mime: 'application/vnd.rar' },
  '7z': { types: ['7z'], mime: 'application/x-7z-compressed' },
  mp4: { types: ISO_MEDIA, mime: 'video/mp4' },
  m4v: { types: ISO_MEDIA, mime: 'video/x-m4v' },
  mov: { types: ISO_MEDIA, mime: 'video/quicktime' },
  m4a: { types: ISO_MEDIA, mime: 'audio/mp4' },
  webm: { types: ['webm', 'mkv'], mime: 'video/webm' },
  mkv: { types: ['webm', 'mkv'], mime: 'video/x-matroska' },
  avi: { types: ['avi'], mime: 'video/x-msvideo' },
  flv: { types: ['flv'], mime: 'video/x-flv' },
  wmv: { types: ['wmv', 'wma', 'asf'], mime: 'video/x-ms-wmv' },
  mp3: { types: ['mp3', 'mp1', 'mp2', 'id3v2'], mime: 'audio/mpeg' },
  wav: { types: ['wav'], mime: 'audio/wav' },
  ogg: { types: ['ogg', 'oga', 'ogv', 'ogx', 'opus'], mime: 'audio/ogg' },
  flac: { types: ['flac'], mime: 'audio/flac' },
  jpg: { types: ['jpg', 'jpeg'], mime: 'image/jpeg' },
  jpeg: { types: ['jpg', 'jpeg'], mime: 'image/jpeg' },
  png: { types: ['png', 'apng'], mime: 'image/png' },
  gif: { types: ['gif'], mime: 'image/gif' },
  bmp: { types: ['bmp'], mime: 'image/bmp' },
  webp: { types: ['webp'], mime: 'image/webp' },
  tif: { types: ['tif', 'tiff'], mime: 'image/tiff' },
  tiff: { types: ['tif', 'tiff'], mime: 'image/tiff' },
  txt: { types: [], mime: 'text/plain; charset=utf-8' },
  md: { types: [], mime: 'text/markdown; charset=utf-8' },
  csv: { types: [], mime: 'text/csv; charset=utf-8' },
};

export type ContentVerdict =
  | { ok: true; contentType: string; detected: string | null }
  | { ok: false; code: 'RESOURCE_TYPE_MISMATCH' | 'RESOURCE_TYPE_NOT_ALLOWED'; reason: string; detected: string | null };

export function extensionOf(filename: string): string {
  return extname(filename).replace(/^\./, '').toLowerCase();
}

/** Refuses a blocked extension before any byte is accepted. */
export function isBlockedFilename(filename: string): boolean {
  return BLOCKED_EXTENSIONS.has(extensionOf(filename));
}

function looksExecutable(head: Buffer, detected: string[]): boolean {
  if (detected.some((t) => EXECUTABLE_TYPES.has(t))) return true;
  if (head.length >= 2 && head[0] === 0x4d && head[1] === 0x5a) return true; // MZ: DOS/Windows program
  if (head.length >= 2 && head[0] === 0x23 && head[1] === 0x21) return true; // #!: a script for an interpreter
  return false;
}

/**
 * Text formats have no signature: accept them unless something binary was recognised, or the bytes contain NULs
 * without a byte-order mark (UTF-16 text has NULs but is reported as txt through its BOM).
 */
function looksLikeText(head: Buffer, detected: string[]): boolean {
  if (detected.some((t) => !TEXT_TYPES.has(t))) return false;
  return detected.includes('txt') || !head.includes(0);
}

/**
 * Decides from the first bytes of the content (not from the name the client gave) whether a file may be stored:
 * executables are refused under any name; a known extension (pdf, pptx, mp4, ...) must match its content; other
 * extensions are accepted with the detected type. Returns the Content-Type the download is served with.
 */
export function checkContent(filename: string, head: Buffer, declaredContentType: string): ContentVerdict {
  const ext = extensionOf(filename);
  const detectedList = filetypeinfo(head).map((d) => d.typename);
  const detected = detectedList[0] ?? null;
  if (looksExecutable(head, detectedList)) {
    return BLOCKED_EXTENSIONS.has(ext) || !ext
      ? { ok: false, code: 'RESOURCE_TYPE_NOT_ALLOWED', reason: '文件是可执行程序，资源库不接收此类文件', detected: detected ?? 'executable' }
      : { ok: false, code: 'RESOURCE_TYPE_MISMATCH', reason: `文件实际是可执行程序，与扩展名 .${ext} 不符`, detected: detected ?? 'executable' };
  }
  if (BLOCKED_EXTENSIONS.has(ext)) {
    return { ok: false, code: 'RESOURCE_TYPE_NOT_ALLOWED', reason: `资源库不接收 .${ext} 文件`, detected };
  }
  const expected = EXPECTED[ext];
  if (expected) {
    const matches = expected.types.length ? detectedList.some((t) => expected.types.includes(t)) : looksLikeText(head, detectedList);
    if (!matches) {
      const what = detected ? `实际为 ${detected} 格式` : '无法识别为该格式';
      return { ok: false, code: 'RESOURCE_TYPE_MISMATCH', reason: `文件内容${what}，与扩展名 .${ext} 不符`, detected };
    }
    return { ok: true, contentType: expected.mime, detected };
  }
  const mime = filetypeinfo(head).find((d) => d.mime)?.mime;
  return { ok: true, contentType: mime ?? safeDeclared(declaredContentType), detected };
}

/**
 * The client's declared type for a format we cannot recognise, unless it is one a browser would render as an
 * active page (HTML, SVG, XML, JavaScript) — such a file is served as bytes.
 */
function safeDeclared(declared: string): string {
  const t = declared.toLowerCase();
  if (!/^[a-z0-9!#$&^_.+-]{1,64}\/[a-z0-9!#$&^_.+-]{1,64}$/.test(t)) return 'application/octet-stream';
  if (/html|xml|javascript|ecmascript|svg/.test(t)) return 'application/octet-stream';
  return t;
}
