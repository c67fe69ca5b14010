namespace MedCam.Pipeline.Synthetic;

/// <summary>
/// A small deterministic random source (xoshiro256** seeded through SplitMix64) so that a phantom is the same
/// bytes for the same seed on every runtime and platform; <see cref="Random"/> makes no such promise.
/// </summary>
public sealed class SyntheticRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private double? _spareGaussian;

    public SyntheticRandom(ulong seed)
    {
        var sm = seed;
        _s0 = SplitMix64(ref sm);
        _s1 = SplitMix64(ref sm);
        _s2 = SplitMix64(ref sm);
        _s3 = SplitMix64(ref sm);
    }

    /// <summary>An independent stream for a named part of a case (case index, structure), stable across versions.</summary>
    public static SyntheticRandom For(long seed, long caseIndex, string stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var h = 1469598103934665603UL;
        foreach (var c in stream)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        var mixed = (ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)caseIndex * 0xC2B2AE3D27D4EB4FUL ^ h;
        return new SyntheticRandom(mixed);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max).</summary>
    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Uniform integer in [min, max).</summary>
    public int Next(int min, int max) => min + (int)(NextDouble() * (max - min));

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Standard normal deviate (Marsaglia polar method).</summary>
    public double Gaussian()
    {
        if (_spareGaussian is { } spare)
        {
            _spareGaussian = null;
            return spare;
        }

        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);

        var f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareGaussian = v * f;
        return u * f;
    }

    public double Gaussian(double mean, double sd) => mean + sd * Gaussian();

    public void FillGaussian(Span<float> target)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = (float)Gaussian();
        }
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
