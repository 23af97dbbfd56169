"""Reference values for the privacy accountant and mechanisms of @gatehouse/ml.

Writes packages/ml/test/privacy/privacy-golden.json. Run from the repository root:

    python3 packages/ml/scripts/privacy-golden.py

Needs mpmath (and numpy); nothing else.

Why these references and not a library's output
------------------------------------------------
Opacus (whose accountant the TypeScript code follows) and Google's dp-accounting
are not installable on the machines this project is built on, so the values here
are computed from the definitions, in 30-digit arithmetic with mpmath, which is
independent of both the TypeScript code and of Opacus's float64 series:

* RDP of the Poisson-sampled Gaussian mechanism (Mironov, Talwar, Zhang 2019,
  "Renyi Differential Privacy of the Sampled Gaussian Mechanism", Section 3.3):
  RDP(alpha) = log(A_alpha) / (alpha - 1) with
      A_alpha = E_{z ~ N(0, sigma^2)} [ ((1 - q) + q exp((2z - 1) / (2 sigma^2)))^alpha ].
  For an integer alpha the binomial expansion is exact:
      A_alpha = sum_i C(alpha, i) (1 - q)^(alpha - i) q^i exp((i^2 - i) / (2 sigma^2)),
  and it is summed exactly here. For a fractional alpha the expectation is
  integrated numerically (mpmath tanh-sinh quadrature, split at the two
  modes 0 and alpha and 10 sigma either side of them).
  For q = 1 the mechanism is the plain Gaussian: RDP(alpha) = alpha / (2 sigma^2).
  Composition over `steps` steps multiplies the RDP by `steps`.

* RDP -> (epsilon, delta): Opacus's conversion (opacus/accountants/analysis/rdp.py,
  get_privacy_spent), Balle et al. 2020, "Hypothesis testing interpretations and
  Renyi differential privacy", Theorem 21:
      epsilon(alpha) = rdp(alpha) - (log(delta) + log(alpha)) / (alpha - 1)
                       + log((alpha - 1) / alpha),
  minimised over Opacus's default orders
      [1 + x / 10 for x in 1..99] + [12 .. 63].
  dp-accounting's compute_epsilon uses the same expression for orders > 1.01 but
  also returns 0 when delta^2 + expm1(-rdp) > 0 and clips at 0; those cases never
  arise on this grid, and Opacus's expression is the one reproduced here.

* The analytic Gaussian mechanism (Balle & Wang 2018, "Improving the Gaussian
  Mechanism for Differential Privacy", Theorem 8): the smallest sigma with
      Phi(D / (2 sigma) - eps sigma / D) - e^eps Phi(-D / (2 sigma) - eps sigma / D) <= delta,
  found by bisection on sigma in 30-digit arithmetic (not by the paper's
  Algorithm 1, which the TypeScript code implements).

* erfc and log(erfc) at chosen points, for the float64 special functions.
"""

import json
import math
import os

import mpmath as mp

mp.mp.dps = 30

DEFAULT_ORDERS = [1 + x / 10.0 for x in range(1, 100)] + list(range(12, 64))
SAMPLE_RATES = [0.001, 0.01, 0.1, 0.5, 1.0]
NOISE_MULTIPLIERS = [0.5, 0.8, 1.0, 2.0, 4.0]
STEPS = [1, 100, 1000, 10000]
DELTA = 1e-5


def log_a(q: float, sigma: float, alpha: float):
    qm, s = mp.mpf(q), mp.mpf(sigma)
    if float(alpha).is_integer():
        n = int(alpha)
        total = mp.fsum(
            mp.binomial(n, i) * (1 - qm) ** (n - i) * qm**i * mp.exp(mp.mpf(i * i - i) / (2 * s * s))
            for i in range(n + 1)
        )
        return mp.log(total)
    a = mp.mpf(alpha)

    def integrand(z):
        return mp.npdf(z, 0, s) * ((1 - qm) + qm * mp.exp((2 * z - 1) / (2 * s * s))) ** a

    # The integrand is a mixture of bumps at 0 and at alpha, each sigma wide; beyond
    # 40 sigma from both it is below e^-800 of its mass.
    points = sorted({-40 * s, -10 * s, mp.mpf(0), 10 * s, a - 10 * s, a, a + 10 * s, a + 40 * s})
    total = mp.quad(integrand, points)
    return mp.log(total)


def rdp_per_step(q: float, sigma: float, alpha: float):
    if q == 1.0:
        return mp.mpf(alpha) / (2 * mp.mpf(sigma) ** 2)
    return log_a(q, sigma, alpha) / (mp.mpf(alpha) - 1)


def opacus_epsilon(rdp, delta: float):
    best, best_order = None, None
    for order, r in zip(DEFAULT_ORDERS, rdp):
        a = mp.mpf(order)
        eps = r - (mp.log(delta) + mp.log(a)) / (a - 1) + mp.log((a - 1) / a)
        if best is None or eps < best:
            best, best_order = eps, order
    return best, best_order


def analytic_gaussian_sigma(epsilon: float, delta: float, sensitivity: float):
    e, d, s = mp.mpf(epsilon), mp.mpf(delta), mp.mpf(sensitivity)

    def delta_of(sigma):
        return mp.ncdf(s / (2 * sigma) - e * sigma / s) - mp.exp(e) * mp.ncdf(-s / (2 * sigma) - e * sigma / s)

    lo, hi = mp.mpf("1e-6") * s, s
    while delta_of(hi) > d:
        hi *= 2
    # delta_of decreases in sigma; 200 halvings leave far less than float64's resolution.
    for _ in range(200):
        mid = (lo + hi) / 2
        if delta_of(mid) > d:
            lo = mid
        else:
            hi = mid
    return hi


def main() -> None:
    per_step = []
    epsilons = []
    for q in SAMPLE_RATES:
        for sigma in NOISE_MULTIPLIERS:
            rdp = [rdp_per_step(q, sigma, order) for order in DEFAULT_ORDERS]
            per_step.append({"q": q, "sigma": sigma, "rdp": [float(r) for r in rdp]})
            for steps in STEPS:
                eps, order = opacus_epsilon([r * steps for r in rdp], DELTA)
                epsilons.append(
                    {"q": q, "sigma": sigma, "steps": steps, "delta": DELTA, "epsilon": float(eps), "order": order}
                )
            print(f"q={q} sigma={sigma} done", flush=True)

    analytic = []
    for epsilon, delta, sensitivity in [
        (0.05, 1e-5, 1.0),
        (0.5, 1e-5, 1.0),
        (1.0, 1e-5, 1.0),
        (1.0, 1e-10, 2.0),
        (3.0, 1e-6, 1.0),
        (10.0, 1e-5, 1.0),
        (20.0, 1e-3, 0.5),
    ]:
        analytic.append(
            {
                "epsilon": epsilon,
                "delta": delta,
                "sensitivity": sensitivity,
                "sigma": float(analytic_gaussian_sigma(epsilon, delta, sensitivity)),
            }
        )

    special = []
    for x in [-6.0, -1.5, -0.3, 0.0, 1e-10, 0.2, 0.46875, 0.5, 1.0, 2.5, 3.99, 4.0, 4.5, 8.0, 15.0, 27.0, 40.0]:
        value = mp.erfc(x)
        special.append({"x": x, "erfc": float(value), "logErfc": float(mp.log(value))})

    out = {
        "generator": "packages/ml/scripts/privacy-golden.py (mpmath %s, %d digits)" % (mp.__version__, mp.mp.dps),
        "orders": DEFAULT_ORDERS,
        "rdpPerStep": per_step,
        "epsilons": epsilons,
        "analyticGaussian": analytic,
        "erfc": special,
    }
    here = os.path.dirname(os.path.abspath(__file__))
    target = os.path.join(here, "..", "test", "privacy", "privacy-golden.json")
    with open(target, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    assert all(math.isfinite(e["epsilon"]) for e in epsilons)
    print("wrote", os.path.normpath(target))


if __name__ == "__main__":
    main()
