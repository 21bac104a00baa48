import { cleanFilename } from './progress.service';

// The upload engine itself (metering, keys, limits) is shared and tested in ../evidence/evidence-upload.spec.ts.
describe('evidence file names', () => {
  it('keeps Chinese names and drops paths and control characters', () => {
    expect(cleanFilename('整改报告（第二版）.pdf')).toBe('整改报告（第二版）.pdf');
    expect(cleanFilename('C:\\Users\\张\\拨付\u0007凭证.jpg')).toBe('拨付凭证.jpg');
    expect(cleanFilename('../../etc/passwd')).toBe('passwd');
    expect(cleanFilename(undefined)).toBe('未命名文件');
  });
});
