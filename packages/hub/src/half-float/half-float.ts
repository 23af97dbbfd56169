/** The number an IEEE 754 half-precision value's bits stand for. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) {
    return sign * fraction * 2 ** -24;
  }
  if (exponent === 0x1f) {
    return fraction === 0 ? sign * Infinity : NaN;
  }
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** The nearest IEEE 754 half-precision value to `value` (ties to even), as its bits. */
export function numberToHalf(value: number): number {
  if (Number.isNaN(value)) {
    return 0x7e00;
  }
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  // 65520 and above round to infinity; below 2^-14 the value is subnormal, in steps of 2^-24.
  if (magnitude >= 65_520) {
    return sign | 0x7c00;
  }
  if (magnitude < 2 ** -14) {
    return sign | roundEven(magnitude * 2 ** 24);
  }
  const exponent = Math.floor(Math.log2(magnitude));
  // log2 can miss by one near powers of two; the mantissa must land in [1, 2).
  const e = magnitude / 2 ** exponent >= 2 ? exponent + 1 : exponent;
  const fraction = roundEven((magnitude / 2 ** e - 1) * 1024);
  // A fraction rounded up to 1024 carries into the exponent, which the bit layout does by itself.
  return sign | (((e + 15) << 10) + fraction);
}

function roundEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  return rest > 0.5 || (rest === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
}
