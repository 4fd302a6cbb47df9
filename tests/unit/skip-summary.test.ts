/** The end-of-run list of skipped tests (tests/support/skip-summary.ts) groups them by reason. */
import { expect, it } from 'vitest';
import { formatSkips, groupSkips } from '../support/skip-summary.ts';

it('groups by ctx.skip note, then by the suite title reason, then as skipped in the source', () => {
  const groups = groupSkips([
    { name: 'f > run corpus [skipped: qemu-aarch64 not found (apt-get install qemu-user)] > hello' },
    { name: 'f > run corpus [skipped: qemu-aarch64 not found (apt-get install qemu-user)] > crc' },
    { name: 'g > unicorn parity', note: 'unicorn engine unavailable: no libunicorn.so.2' },
    { name: 'h > later' },
  ]);
  expect([...groups.keys()]).toEqual([
    'qemu-aarch64 not found (apt-get install qemu-user)',
    'unicorn engine unavailable: no libunicorn.so.2',
    'skipped in the source (it.skip / describe.skip)',
  ]);
  const text = formatSkips(groups, 1);
  expect(text.split('\n')).toEqual([
    'Skipped tests: 4, by reason:',
    '     2  qemu-aarch64 not found (apt-get install qemu-user)',
    '          - f > run corpus [skipped: qemu-aarch64 not found (apt-get install qemu-user)] > hello',
    '          … and 1 more',
    '     1  unicorn engine unavailable: no libunicorn.so.2',
    '          - g > unicorn parity',
    '     1  skipped in the source (it.skip / describe.skip)',
    '          - h > later',
  ]);
  expect(formatSkips(new Map())).toBe('');
});
