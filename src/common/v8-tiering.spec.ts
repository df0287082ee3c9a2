import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { INTERRUPT_BUDGET, INVOCATIONS_FOR_TURBOFAN, tieringFlag, tuneV8Tiering } from './v8-tiering.js';

describe('tuneV8Tiering', () => {
  const recorder = () => {
    const given: string[] = [];
    return { given, setFlags: (flags: string) => void given.push(flags) };
  };

  it('lowers the interrupt budget on V8 11 (Node 20)', () => {
    const { given, setFlags } = recorder();
    expect(tuneV8Tiering('11.3.244.8-node.33', setFlags)).toBe(`--interrupt-budget=${INTERRUPT_BUDGET}`);
    expect(given).toEqual([`--interrupt-budget=${INTERRUPT_BUDGET}`]);
    expect(INTERRUPT_BUDGET).toBeLessThan(67_584);
  });

  it.each(['12.4.254.21-node.57', '13.6.233.17-node.40'])(
    'lowers the calls before TurboFan on V8 %s (Node 22, 24)',
    (version) => {
      const { given, setFlags } = recorder();
      tuneV8Tiering(version, setFlags);
      expect(given).toEqual([`--invocation-count-for-turbofan=${INVOCATIONS_FOR_TURBOFAN}`]);
      expect(INVOCATIONS_FOR_TURBOFAN).toBeLessThan(3_000);
    },
  );

  it.each(['10.2.154.26-node.26', '14.1.0.0-node.1'])(
    'gives V8 %s no flag: not measured, and it may not know the flag',
    (version) => {
      const { given, setFlags } = recorder();
      expect(tuneV8Tiering(version, setFlags)).toBeUndefined();
      expect(given).toEqual([]);
    },
  );

  it('gives this Node a flag its V8 takes without a word on stderr (an unknown one draws an error line)', () => {
    const stderrOf = (flag: string) =>
      spawnSync(process.execPath, ['-e', `require('node:v8').setFlagsFromString(${JSON.stringify(flag)})`], {
        encoding: 'utf8',
      }).stderr;
    expect(stderrOf('--no-such-flag-at-all=1')).toMatch(/unrecognized flag/);
    const flag = tieringFlag(process.versions.v8);
    // Node 20, 22 and 24 have one; a later Node, none until it is measured.
    expect(flag === undefined ? '' : stderrOf(flag)).toBe('');
  });
});
