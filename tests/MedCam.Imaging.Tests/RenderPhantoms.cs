namespace MedCam.Imaging.Tests.Rendering;

/// <summary>Synthetic sources and CAMs for rendering tests and previews (no patient data).</summary>
internal static class RenderPhantoms
{
    /// <summary>An axial chest-like CT slice in Hounsfield units: body, two lungs, a nodule, a spine.</summary>
    public static float[] ChestCt(int size)
    {
        var hu = new float[size * size];
        var rng = new Random(11);
        double c = size / 2.0;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                double u = (x - c) / size, v = (y - c) / size;
                float value = -1000;
                if (Inside(u, v, 0, 0.02, 0.42, 0.3))
                {
                    value = 40;
                }

                if (Inside(u, v, -0.18, 0, 0.14, 0.2) || Inside(u, v, 0.18, 0, 0.14, 0.2))
                {
                    value = -850;
                }

                if (Inside(u, v, 0.2, -0.06, 0.025, 0.025))
                {
                    value = 30;
                }

                if (Inside(u, v, 0, 0.2, 0.05, 0.05))
                {
                    value = 700;
                }

                hu[(y * size) + x] = value + (float)(rng.NextDouble() * 30) - 15;
            }
        }

        return hu;
    }

    /// <summary>A Gaussian blob (values in [0, 1]) centred at (fx, fy) of the frame, spread sigma (fraction).</summary>
    public static float[] Blob(int width, int height, double fx, double fy, double sigma)
    {
        var cam = new float[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var dx = (x / (double)width) - fx;
                var dy = (y / (double)height) - fy;
                cam[(y * width) + x] = (float)Math.Exp(-((dx * dx) + (dy * dy)) / (2 * sigma * sigma));
            }
        }

        return cam;
    }

    /// <summary>An ultrasound-like grey sector with speckle, black outside the fan.</summary>
    public static byte[] UltrasoundSector(int width, int height)
    {
        var g = new byte[width * height];
        var rng = new Random(5);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var dx = x - (width / 2.0);
                var r = Math.Sqrt((dx * dx) + ((double)y * y));
                var angle = Math.Atan2(dx, y);
                if (r < height * 0.95 && Math.Abs(angle) < 0.6)
                {
                    var pleura = Math.Abs(r - (height * 0.3)) < 4 ? 180 : 0;
                    g[(y * width) + x] = (byte)Math.Min(255, (rng.Next(30, 110) * (1 - (r / height * 0.5))) + pleura);
                }
            }
        }

        return g;
    }

    /// <summary>A histology-like RGB tile: pink stroma with purple nuclei.</summary>
    public static byte[] HistologyTile(int size)
    {
        var rgb = new byte[size * size * 3];
        var rng = new Random(3);
        var nuclei = Enumerable.Range(0, size / 4).Select(_ => (X: rng.Next(size), Y: rng.Next(size), R: rng.Next(3, 8))).ToArray();
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var i = ((y * size) + x) * 3;
                var n = rng.Next(-10, 10);
                (rgb[i], rgb[i + 1], rgb[i + 2]) = ((byte)(235 + (n / 2)), (byte)(170 + n), (byte)(200 + n));
            }
        }

        foreach (var (cx, cy, r) in nuclei)
        {
            for (var y = Math.Max(0, cy - r); y < Math.Min(size, cy + r); y++)
            {
                for (var x = Math.Max(0, cx - r); x < Math.Min(size, cx + r); x++)
                {
                    if (((x - cx) * (x - cx)) + ((y - cy) * (y - cy)) < r * r)
                    {
                        var i = ((y * size) + x) * 3;
                        (rgb[i], rgb[i + 1], rgb[i + 2]) = (90, 50, 140);
                    }
                }
            }
        }

        return rgb;
    }

    private static bool Inside(double u, double v, double cu, double cv, double ru, double rv) =>
        (((u - cu) / ru) * ((u - cu) / ru)) + (((v - cv) / rv) * ((v - cv) / rv)) <= 1;
}
