namespace MedCam.Imaging.Benchmarks;

/// <summary>Synthetic CT slice (HU) and CAM for benchmarks.</summary>
internal static class Phantom
{
    public static float[] Ct(int size)
    {
        var rng = new Random(1);
        var hu = new float[size * size];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                double u = (x - (size / 2.0)) / size, v = (y - (size / 2.0)) / size;
                var body = ((u * u) / 0.17) + ((v * v) / 0.09) <= 1;
                var lung = ((Math.Abs(u) - 0.18) * (Math.Abs(u) - 0.18) / 0.02) + ((v * v) / 0.04) <= 1;
                hu[(y * size) + x] = (body ? (lung ? -850 : 40) : -1000) + (float)(rng.NextDouble() * 30);
            }
        }

        return hu;
    }

    public static float[] Cam(int size)
    {
        var cam = new float[size * size];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                double dx = (x / (double)size) - 0.6, dy = (y / (double)size) - 0.45;
                cam[(y * size) + x] = (float)Math.Exp(-((dx * dx) + (dy * dy)) / 0.02);
            }
        }

        return cam;
    }
}
