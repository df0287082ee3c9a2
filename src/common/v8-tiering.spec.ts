import { describe, expect, it } from 'vitest';
import { INTERRUPT_BUDGET, tuneV8Tiering } from './v8-tiering.js';

describe('tuneV8Tiering', () => {
  const recorder = () => {
    const given: string[] = [];
    return { given, setFlags: (flags: string) => void given.push(flags) };
  };

  it('lowers the interrupt budget on V8 11 (Node 20)', () => {
    const { given, setFlags } = recorder();
    expect(tuneV8Tiering('11.3.244.8-node.33', setFlags)).toBe(true);
    expect(given).toEqual([`--interrupt-budget=${INTERRUPT_BUDGET}`]);
    expect(INTERRUPT_BUDGET).toBeLessThan(67_584);
  });

  it.each(['12.4.254.21-node.33', '13.6.233.17-node.40', '10.2.154.26-node.26'])(
    'gives V8 %s no flag: it has no such flag, or was not measured with it',
    (version) => {
      const { given, setFlags } = recorder();
      expect(tuneV8Tiering(version, setFlags)).toBe(false);
      expect(given).toEqual([]);
    },
  );
});
