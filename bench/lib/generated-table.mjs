// A wide synthetic classification table for figures where Iris is too small to time.

/**
 * `rows` rows of `features` standard-normal features, labelled 1 where a random
 * linear teacher's score plus unit noise is positive; a `TabularExamples` for the
 * trainers of @gatehouse/ml. `createRng` is the package's seeded generator.
 */
export function generatedTable(createRng, rows, features, seed) {
  const rng = createRng(seed);
  const normal = () =>
    Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const teacher = Float64Array.from({ length: features }, normal);
  const x = new Float64Array(rows * features);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let score = 0;
    for (let j = 0; j < features; j++) {
      const v = normal();
      x[i * features + j] = v;
      score += v * teacher[j];
    }
    y[i] = score + normal() > 0 ? 1 : 0;
  }
  return {
    x,
    y,
    featureNames: Array.from({ length: features }, (_, j) => `f${j}`),
    classes: ["negative", "positive"],
  };
}
