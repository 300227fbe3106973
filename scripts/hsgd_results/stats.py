"""Student's t for paired differences over seeds (summarize: the same arithmetic
as the C++ report's src/hsgd/experiment/stats.h) and Welch's t for two
independent samples (welch, which the report does not make): mean, 95% CI and
two-sided p; and Holm's step-down correction of a family of p-values (holm)."""
import math
import sys


def _beta_fraction(a, b, x):
    """The continued fraction of the regularised incomplete beta (modified Lentz)."""
    tiny, c, d = 1e-300, 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    f = d
    for m in range(1, 300):
        for num in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                    -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1 + num * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + num / c
            c = c if abs(c) > tiny else tiny
            f *= c * d
        if abs(c * d - 1) < 1e-15:
            break
    return f


def incomplete_beta(a, b, x):
    if x <= 0 or x >= 1:
        return 0.0 if x <= 0 else 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1 - x))
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1 - front * _beta_fraction(b, a, 1 - x) / b


def t_two_sided_p(t, df):
    return incomplete_beta(df / 2, 0.5, df / (df + t * t))


def t_quantile_975(df):
    lo, hi = 0.0, 1000.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if t_two_sided_p(mid, df) > 0.05 else (lo, mid)
    return (lo + hi) / 2


def summarize(values):
    """Mean, 95% CI and (for a paired difference) the two-sided p of mean = 0."""
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return {"n": n, "mean": mean, "low": math.nan, "high": math.nan, "p": math.nan}
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = t_quantile_975(n - 1) * sd / math.sqrt(n)
    p = 1.0 if sd == 0 and mean == 0 else (0.0 if sd == 0 else t_two_sided_p(mean / (sd / math.sqrt(n)), n - 1))
    return {"n": n, "mean": mean, "low": mean - half, "high": mean + half, "p": p}


def welch(a, b):
    """mean(a) - mean(b) of two independent samples: 95% CI and two-sided p
    from Welch's t (Welch-Satterthwaite degrees of freedom)."""
    na, nb = len(a), len(b)
    if na < 2 or nb < 2:
        return {"mean": math.nan, "low": math.nan, "high": math.nan, "p": math.nan, "df": math.nan}
    ma, mb = sum(a) / na, sum(b) / nb
    va = sum((x - ma) ** 2 for x in a) / (na - 1) / na
    vb = sum((x - mb) ** 2 for x in b) / (nb - 1) / nb
    se = math.sqrt(va + vb)
    mean = ma - mb
    if se == 0:
        return {"mean": mean, "low": mean, "high": mean, "p": 1.0 if mean == 0 else 0.0, "df": math.inf}
    df = (va + vb) ** 2 / (va ** 2 / (na - 1) + vb ** 2 / (nb - 1))
    half = t_quantile_975(df) * se
    return {"mean": mean, "low": mean - half, "high": mean + half, "p": t_two_sided_p(mean / se, df), "df": df}


def holm(pvalues):
    """Holm's step-down adjusted p-values (Holm 1979), in the order given: the
    i-th smallest of m is multiplied by m - i + 1, made monotone and capped at
    1. Rejecting where the adjusted p < 0.05 keeps the family-wise error rate at
    5%. NaN p-values are left NaN and do not count towards m."""
    finite = sorted((p, i) for i, p in enumerate(pvalues) if math.isfinite(p))
    m = len(finite)
    adjusted = [math.nan] * len(pvalues)
    running = 0.0
    for rank, (p, i) in enumerate(finite):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted


def paired(a, b):
    """summarize() of a - b paired by seed ({seed: value} each); exits if their seeds differ."""
    seeds = sorted(set(a) & set(b))
    if seeds != sorted(a) or seeds != sorted(b):
        sys.exit(f"paired test: the seeds differ ({sorted(a)} vs {sorted(b)})")
    return summarize([a[s] - b[s] for s in seeds])
