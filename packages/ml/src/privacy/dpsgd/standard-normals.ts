/**
 * `count` independent N(0, 1) draws by the Box–Muller transform, both of its
 * outputs used, from a uniform source in [0, 1).
 */
export function standardNormals(count: number, uniform: () => number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < count) {
      out[i + 1] = radius * Math.sin(angle);
    }
  }
  return out;
}
