/**
 * Decimal search values and their implicit precision (R4 search §2.1.1.5.6): `100` stands for
 * [99.5, 100.5), `100.00` for [99.995, 100.005), `1e2` for [50, 150) (one significant figure).
 * Bounds are computed exactly (BigInt), as decimal strings ready for SQL `numeric`, and as numbers.
 */
export interface ParsedDecimal {
  /** The value as written. */
  readonly raw: string;
  readonly value: number;
  /** Exact decimal string of the value (`1e2` → `100`). */
  readonly exact: string;
  /** Implicit range, half-open: [low, high). */
  readonly low: string;
  readonly high: string;
  readonly lowValue: number;
  readonly highValue: number;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d{1,3}))?$/;
const MAX_DIGITS = 40;

/** `mantissa × 10^-scale` as a plain decimal string, trailing fractional zeros removed. */
export function formatScaled(mantissa: bigint, scale: number): string {
  const negative = mantissa < 0n;
  let digits = (negative ? -mantissa : mantissa).toString();
  let out: string;
  if (scale <= 0) {
    out = digits === '0' ? '0' : digits + '0'.repeat(-scale);
  } else {
    digits = digits.padStart(scale + 1, '0');
    const intPart = digits.slice(0, digits.length - scale);
    const fracPart = digits.slice(digits.length - scale).replace(/0+$/, '');
    out = fracPart.length > 0 ? `${intPart}.${fracPart}` : intPart;
  }
  return negative && out !== '0' ? `-${out}` : out;
}

/** Parses a search number (`100`, `-0.5`, `1e2`, `+3.0E-1`); `undefined` when it is not one. */
export function parseDecimal(raw: string): ParsedDecimal | undefined {
  const m = DECIMAL.exec(raw);
  if (!m) return undefined;
  const [, sign, intDigits = '', fracDigits = '', exp] = m;
  if (intDigits.length + fracDigits.length > MAX_DIGITS) return undefined;
  const exponent = exp === undefined ? 0 : Number(exp);
  const scale = fracDigits.length - exponent;
  const magnitude = BigInt(intDigits + fracDigits);
  const mantissa = sign === '-' ? -magnitude : magnitude;
  const low = mantissa * 10n - 5n;
  const high = mantissa * 10n + 5n;
  const value = Number(formatScaled(mantissa, scale));
  if (!Number.isFinite(value)) return undefined;
  return {
    raw,
    value,
    exact: formatScaled(mantissa, scale),
    low: formatScaled(low, scale + 1),
    high: formatScaled(high, scale + 1),
    lowValue: Number(formatScaled(low, scale + 1)),
    highValue: Number(formatScaled(high, scale + 1)),
  };
}
