import { randomBytes } from 'node:crypto';
import { checkContent, isBlockedFilename } from './content-check';

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(200)]);
const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00', 'latin1'), randomBytes(200)]);
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), randomBytes(200)]);
const ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 3, 4, 20, 0, 0, 0]), randomBytes(200)]);
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypisom\0\0\x02\0isomiso2avc1mp41', 'latin1'), Buffer.alloc(200)]);
const CFB = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), randomBytes(200)]);
const TEXT = Buffer.from('第一课时：函数的概念\n一、教学目标\n', 'utf8');

describe('checkContent (real type from the bytes)', () => {
  it('accepts files whose content matches the extension, serving the canonical type', () => {
    expect(checkContent('函数的概念.pdf', PDF, 'application/octet-stream')).toEqual({ ok: true, contentType: 'application/pdf', detected: 'pdf' });
    expect(checkContent('课件.pptx', ZIP, 'application/zip')).toMatchObject({ ok: true, contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation' });
    expect(checkContent('教案.docx', ZIP, '')).toMatchObject({ ok: true });
    expect(checkContent('微课.mp4', MP4, 'video/mp4')).toMatchObject({ ok: true, contentType: 'video/mp4' });
    expect(checkContent('试卷.doc', CFB, '')).toMatchObject({ ok: true, contentType: 'application/msword' });
    expect(checkContent('说明.txt', TEXT, 'text/plain')).toMatchObject({ ok: true, contentType: 'text/plain; charset=utf-8' });
  });

  it('refuses an executable under any name: a mismatch under a document name, not allowed under its own', () => {
    expect(checkContent('期末复习.pdf', EXE, 'application/pdf')).toMatchObject({ ok: false, code: 'RESOURCE_TYPE_MISMATCH' });
    expect(checkContent('课件.pptx', ELF, '')).toMatchObject({ ok: false, code: 'RESOURCE_TYPE_MISMATCH' });
    expect(checkContent('作业.ggb', EXE, '')).toMatchObject({ ok: false, code: 'RESOURCE_TYPE_MISMATCH' });
    expect(checkContent('setup.exe', EXE, '')).toMatchObject({ ok: false, code: 'RESOURCE_TYPE_NOT_ALLOWED' });
    expect(checkContent('noextension', ELF, '')).toMatchObject({ ok: false, code: 'RESOURCE_TYPE_NOT_ALLOWED' });
    expect(checkContent('run.sh', Buffer.from('#!/bin/sh\nrm -rf /\n'), '')).toMatchObject({ ok: false, code: 'RESOURCE_TYPE_NOT_ALLOWED' });
  });

  it('refuses other mismatches (a zip named .pdf, binary named .txt, random bytes named .mp4)', () => {
    expect(checkContent('a.pdf', ZIP, '')).toMatchObject({ ok: false, code: 'RESOURCE_TYPE_MISMATCH', detected: 'zip' });
    expect(checkContent('a.txt', Buffer.from([1, 0, 2, 0, 3]), '')).toMatchObject({ ok: false, code: 'RESOURCE_TYPE_MISMATCH' });
    expect(checkContent('a.mp4', randomBytes(300).fill(0x41, 0, 8), '')).toMatchObject({ ok: false, code: 'RESOURCE_TYPE_MISMATCH' });
  });

  it('accepts unknown extensions with the detected type, never an active type a browser would run', () => {
    expect(checkContent('几何画板.gsp', randomBytes(100).fill(0x41, 0, 8), 'application/x-gsp')).toMatchObject({ ok: true, contentType: 'application/x-gsp' });
    expect(checkContent('page.htm', Buffer.from('<html><script>alert(1)</script>'), 'text/html')).toMatchObject({ ok: true, contentType: 'application/octet-stream' });
  });

  it('blocks program extensions before any byte is accepted', () => {
    expect(isBlockedFilename('setup.EXE')).toBe(true);
    expect(isBlockedFilename('install.bat')).toBe(true);
    expect(isBlockedFilename('函数.pdf')).toBe(false);
  });
});
