namespace MedCam.Pipeline.Synthetic;

/// <summary>
/// Generates H&amp;E-like bladder wall slides. Haematoxylin and eosin concentrations are painted per pixel and turned
/// into RGB by Beer-Lambert absorption (as colour deconvolution assumes, Ruifrok &amp; Johnston 2001): pink fibrous
/// lamina propria with spindle cells, capillaries and lymphocytes under a urothelium whose nuclei tell the grade.
/// Non-tumour: thin orderly urothelium, small regular nuclei, umbrella cells. Mild: thickened urothelium, mildly
/// enlarged nuclei, polarity preserved. Infiltrative: disorderly surface carcinoma and irregular nests and cords of
/// large pleomorphic hyperchromatic nuclei invading a desmoplastic stroma. Deterministic for (seed, case, grade).
/// </summary>
public static class BladderHistologyPhantom
{
    // Optical density per unit stain (R, G, B): haematoxylin blue-purple, eosin pink.
    private static readonly double[] HaematoxylinOd = [0.56, 0.78, 0.29];
    private static readonly double[] EosinOd = [0.12, 0.80, 0.42];

    public static HistologySlide Generate(BladderHistologyGrade grade, long seed, int caseIndex = 0, HistologyOptions? options = null)
    {
        options ??= new HistologyOptions();
        options.Validate();
        var random = SyntheticRandom.For(seed, caseIndex, "histo-" + grade);
        int w = options.TileSize * options.TilesAcross, h = options.TileSize * options.TilesDown;
        var painter = new StainCanvas(w, h);
        var tissue = new byte[w * h];
        var lesion = new byte[w * h];

        // Luminal surface near the top, tissue edges wandering at the sides and bottom.
        var surface = new double[w];
        var bottom = new double[w];
        var phase = random.Uniform(0, 6.3);
        var waviness = random.Uniform(0.03, 0.06) * h;
        for (var x = 0; x < w; x++)
        {
            surface[x] = h * random.Uniform(0.995, 1.005) * 0.1 + waviness * Math.Sin(x / (w * 0.18) + phase) + 0.4 * waviness * Math.Sin(x / (w * 0.05) + 2 * phase);
            bottom[x] = h * 0.96 + 0.02 * h * Math.Sin(x / (w * 0.1) + phase);
        }

        Smooth(surface, 3);
        var left = random.Uniform(0.01, 0.05) * w;
        var right = w - random.Uniform(0.01, 0.05) * w;
        var thickness = grade switch
        {
            BladderHistologyGrade.NonTumour => random.Uniform(0.07, 0.09) * h,
            BladderHistologyGrade.Mild => random.Uniform(0.19, 0.24) * h,
            _ => random.Uniform(0.12, 0.16) * h,
        };

        var fibres = NoiseFields.Correlated(random, [h, w], 1.0, 5.0);
        var fine = NoiseFields.Correlated(random, [h, w], 0.7, 0.7);
        var stainScale = random.Uniform(0.85, 1.12);
        var desmoplasia = grade == BladderHistologyGrade.Infiltrative;
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var i = y * w + x;
                var edgeWobble = 4 * fine[i];
                if (y < surface[x] || y > bottom[x] + edgeWobble || x < left + edgeWobble || x > right + edgeWobble)
                {
                    continue;
                }

                tissue[i] = 1;
                if (y < surface[x] + thickness)
                {
                    // Urothelial cytoplasm: pale lilac, slightly granular.
                    painter.Add(i, 0.10 + 0.02 * fine[i], 0.32 + 0.05 * fine[i]);
                    if (grade == BladderHistologyGrade.Mild)
                    {
                        lesion[i] = 1;
                    }
                }
                else
                {
                    // Collagen: wavy eosinophilic fibres with pale interstitial gaps; paler and looser if desmoplastic.
                    var e = (desmoplasia ? 0.45 : 0.62) + 0.2 * fibres[i] + 0.04 * fine[i];
                    painter.Add(i, 0.03, Math.Max(e, 0.08));
                }
            }
        }

        var nuclei = new NucleusPainter(painter, random, w, h);
        PaintStroma(nuclei, random, surface, bottom, thickness, left, right);
        if (grade == BladderHistologyGrade.Infiltrative)
        {
            PaintCarcinoma(nuclei, painter, random, surface, bottom, thickness, left, right, tissue, lesion, w, h);
        }
        else
        {
            PaintUrothelium(nuclei, random, surface, thickness, left, right, grade == BladderHistologyGrade.Mild);
        }

        var level0 = painter.ToRgb(stainScale, HaematoxylinOd, EosinOd, SyntheticRandom.For(seed, caseIndex, "histo-glass"));
        var levels = new List<HistologyLevel> { new(w, h, 1, options.PixelSpacingMm, level0) };
        for (var l = 1; l < options.Levels; l++)
        {
            var previous = levels[^1];
            levels.Add(Downsample(previous));
        }

        return new HistologySlide { Grade = grade, TileSize = options.TileSize, Levels = levels, TissueMask = tissue, LesionMask = lesion };
    }

    private static void PaintUrothelium(NucleusPainter nuclei, SyntheticRandom random, double[] surface, double thickness, double left, double right, bool mild)
    {
        var spacing = mild ? 8.0 : 9.0;
        var size = mild ? 1.3 : 1.0;
        for (var depth = spacing * 0.8; depth < thickness - 2; depth += spacing * random.Uniform(0.85, 1.0))
        {
            var umbrella = depth < spacing * 1.2;
            for (var x = left + 3; x < right - 3; x += spacing * random.Uniform(0.9, 1.15) * (umbrella ? 1.8 : 1))
            {
                var xi = Math.Clamp((int)x, 0, surface.Length - 1);
                var y = surface[xi] + depth + random.Gaussian(0, 1.2);
                if (umbrella)
                {
                    // Umbrella cells: large, flattened, parallel to the surface.
                    nuclei.Paint(x, y, 4.2 * size, 2.4 * size, random.Uniform(-0.2, 0.2), 0.85, 0.08, false);
                }
                else
                {
                    // Basal and intermediate cells: small, regular, long axis perpendicular to the surface (polarity).
                    var jitter = mild ? 0.15 : 0.08;
                    nuclei.Paint(x + random.Gaussian(0, 1), y, 2.7 * size * (1 + random.Gaussian(0, jitter)), 3.5 * size * (1 + random.Gaussian(0, jitter)), Math.PI / 2 + random.Gaussian(0, 0.15), mild ? 1.05 : 0.95, 0.06, false);
                }
            }
        }
    }

    private static void PaintStroma(NucleusPainter nuclei, SyntheticRandom random, double[] surface, double[] bottom, double thickness, double left, double right)
    {
        var area = (right - left) * (bottom.Average() - surface.Average() - thickness);
        var fibroblasts = (int)(area / 900);
        for (var n = 0; n < fibroblasts; n++)
        {
            var x = random.Uniform(left + 4, right - 4);
            var xi = Math.Clamp((int)x, 0, surface.Length - 1);
            var y = random.Uniform(surface[xi] + thickness + 4, bottom[xi] - 4);
            if (random.Chance(0.3))
            {
                nuclei.Paint(x, y, 2.2, 2.2, 0, 1.3, 0.02, false); // lymphocyte
            }
            else
            {
                nuclei.Paint(x, y, 5.5, 1.3, random.Gaussian(0, 0.25), 0.9, 0.05, false); // spindle fibroblast
            }
        }

        // Capillaries: a lumen with red cells, lined by flat endothelial nuclei.
        var capillaries = (int)(area / 12000);
        for (var c = 0; c < capillaries; c++)
        {
            var x = random.Uniform(left + 15, right - 15);
            var xi = Math.Clamp((int)x, 0, surface.Length - 1);
            var y = random.Uniform(surface[xi] + thickness + 12, bottom[xi] - 12);
            var r = random.Uniform(5, 10);
            nuclei.Vessel(x, y, r, random);
        }
    }

    private static void PaintCarcinoma(NucleusPainter nuclei, StainCanvas painter, SyntheticRandom random, double[] surface, double[] bottom, double thickness, double left, double right, byte[] tissue, byte[] lesion, int w, int h)
    {
        // Surface: disorderly high-grade urothelium (no polarity, crowded, pleomorphic).
        for (var x = left + 3; x < right - 3; x += random.Uniform(6, 10))
        {
            var xi = Math.Clamp((int)x, 0, surface.Length - 1);
            for (var depth = 5.0; depth < thickness - 3; depth += random.Uniform(7, 11))
            {
                var y = surface[xi] + depth + random.Gaussian(0, 2.5);
                nuclei.Paint(x + random.Gaussian(0, 2), y, random.Uniform(4, 7), random.Uniform(3.5, 6.5), random.Uniform(0, Math.PI), random.Uniform(1.4, 1.9), 0.25, true);
            }

            for (var y = (int)surface[xi]; y < surface[xi] + thickness && y < h; y++)
            {
                for (var dx = 0; dx < 10 && xi + dx < w; dx++)
                {
                    var i = y * w + xi + dx;
                    lesion[i] = tissue[i];
                }
            }
        }

        // Invasive nests and cords: irregular clusters of large hyperchromatic nuclei with a retraction cleft.
        var nests = random.Next(7, 14);
        for (var n = 0; n < nests; n++)
        {
            var cx = random.Uniform(left + 30, right - 30);
            var cxi = Math.Clamp((int)cx, 0, surface.Length - 1);
            var top = surface[cxi] + thickness + 10;
            var cy = random.Uniform(top, top + (bottom[cxi] - top) * 0.8);
            var cord = random.Chance(0.35);
            var ax = cord ? random.Uniform(35, 60) : random.Uniform(14, 30);
            var ay = cord ? random.Uniform(6, 10) : random.Uniform(12, 26);
            var angle = random.Uniform(0, Math.PI);
            var (ca, sa) = (Math.Cos(angle), Math.Sin(angle));
            var k1 = random.Uniform(0.1, 0.25);
            var p1 = random.Uniform(0, 6.3);
            var reach = (int)Math.Ceiling(Math.Max(ax, ay) * 1.4) + 4;
            for (var y = Math.Max(0, (int)cy - reach); y < Math.Min(h, (int)cy + reach); y++)
            {
                for (var x = Math.Max(0, (int)cx - reach); x < Math.Min(w, (int)cx + reach); x++)
                {
                    var i = y * w + x;
                    if (tissue[i] == 0)
                    {
                        continue;
                    }

                    var u = ((x - cx) * ca + (y - cy) * sa) / ax;
                    var v = (-(x - cx) * sa + (y - cy) * ca) / ay;
                    var rho = Math.Sqrt(u * u + v * v) / (1 + k1 * Math.Sin(3 * Math.Atan2(v, u) + p1));
                    if (rho < 1)
                    {
                        lesion[i] = 1;
                        painter.Set(i, 0.14, 0.30); // tumour cytoplasm, amphophilic
                    }
                    else if (rho < 1.12)
                    {
                        painter.Set(i, 0.0, 0.02); // retraction artefact around the nest
                    }
                }
            }

            var cells = (int)(Math.PI * ax * ay / 55);
            for (var c = 0; c < cells; c++)
            {
                var r = Math.Sqrt(random.NextDouble()) * 0.85;
                var t = random.Uniform(0, 2 * Math.PI);
                var u = r * Math.Cos(t) * ax;
                var v = r * Math.Sin(t) * ay;
                var x = cx + u * ca - v * sa;
                var y = cy + u * sa + v * ca;
                nuclei.Paint(x, y, random.Uniform(4.5, 8.5), random.Uniform(3.8, 7.5), random.Uniform(0, Math.PI), random.Uniform(1.45, 2.0), 0.3, true);
            }
        }
    }

    private static HistologyLevel Downsample(HistologyLevel source)
    {
        int w = (source.Width + 1) / 2, h = (source.Height + 1) / 2;
        var rgb = new byte[w * h * 3];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var sum = 0;
                    var n = 0;
                    for (var dy = 0; dy < 2; dy++)
                    {
                        for (var dx = 0; dx < 2; dx++)
                        {
                            int sy = 2 * y + dy, sx = 2 * x + dx;
                            if (sy < source.Height && sx < source.Width)
                            {
                                sum += source.Rgb[(sy * source.Width + sx) * 3 + c];
                                n++;
                            }
                        }
                    }

                    rgb[(y * w + x) * 3 + c] = (byte)((sum + n / 2) / n);
                }
            }
        }

        return new HistologyLevel(w, h, source.Downsample * 2, source.PixelSpacingMm * 2, rgb);
    }

    private static void Smooth(double[] line, int radius)
    {
        var copy = (double[])line.Clone();
        for (var i = 0; i < line.Length; i++)
        {
            double sum = 0;
            var n = 0;
            for (var k = -radius; k <= radius; k++)
            {
                var j = i + k;
                if (j >= 0 && j < copy.Length)
                {
                    sum += copy[j];
                    n++;
                }
            }

            line[i] = sum / n;
        }
    }

    /// <summary>Per-pixel haematoxylin and eosin concentrations.</summary>
    private sealed class StainCanvas(int width, int height)
    {
        private readonly float[] _h = new float[width * height];
        private readonly float[] _e = new float[width * height];

        public int Width => width;

        public int Height => height;

        public void Add(int i, double h, double e)
        {
            _h[i] += (float)h;
            _e[i] += (float)e;
        }

        public void Set(int i, double h, double e)
        {
            _h[i] = (float)h;
            _e[i] = (float)e;
        }

        public void Nucleus(int i, double h, double cover)
        {
            _h[i] = (float)(_h[i] + cover * (h - _h[i]));
            _e[i] = (float)(_e[i] * (1 - 0.7 * cover));
        }

        public byte[] ToRgb(double stainScale, double[] hOd, double[] eOd, SyntheticRandom random)
        {
            var rgb = new byte[width * height * 3];
            for (var i = 0; i < _h.Length; i++)
            {
                for (var c = 0; c < 3; c++)
                {
                    // Beer-Lambert: transmitted light falls exponentially with the summed optical density.
                    var od = stainScale * (_h[i] * hOd[c] + _e[i] * eOd[c]) + 0.025 + 0.006 * random.Gaussian();
                    rgb[i * 3 + c] = (byte)Math.Clamp(Math.Round(255 * Math.Exp(-od)), 0, 255);
                }
            }

            return rgb;
        }
    }

    private sealed class NucleusPainter(StainCanvas canvas, SyntheticRandom random, int width, int height)
    {
        /// <summary>An irregular ellipse of haematoxylin with chromatin texture (coarse and with nucleoli if atypical).</summary>
        public void Paint(double cx, double cy, double rx, double ry, double angle, double darkness, double irregularity, bool atypical)
        {
            var (ca, sa) = (Math.Cos(angle), Math.Sin(angle));
            var a2 = random.Uniform(0, irregularity);
            var a3 = random.Uniform(0, irregularity * 0.7);
            var p2 = random.Uniform(0, 6.3);
            var p3 = random.Uniform(0, 6.3);
            var reach = (int)Math.Ceiling(Math.Max(rx, ry) * (1 + a2 + a3)) + 2;
            var nucleolus = atypical && random.Chance(0.6) ? (random.Uniform(-0.3, 0.3), random.Uniform(-0.3, 0.3)) : ((double, double)?)null;
            for (var y = Math.Max(0, (int)cy - reach); y <= Math.Min(height - 1, (int)cy + reach); y++)
            {
                for (var x = Math.Max(0, (int)cx - reach); x <= Math.Min(width - 1, (int)cx + reach); x++)
                {
                    var u = ((x - cx) * ca + (y - cy) * sa) / rx;
                    var v = (-(x - cx) * sa + (y - cy) * ca) / ry;
                    var phi = Math.Atan2(v, u);
                    var rho = Math.Sqrt(u * u + v * v) / (1 + a2 * Math.Cos(2 * phi + p2) + a3 * Math.Cos(3 * phi + p3));
                    if (rho >= 1.15)
                    {
                        continue;
                    }

                    var cover = rho < 0.85 ? 1 : (1.15 - rho) / 0.3;
                    var chromatin = atypical ? random.Uniform(0.7, 1.15) : random.Uniform(0.85, 1.05);
                    var rim = rho > 0.7 ? 1.12 : 1.0; // nuclear membrane
                    var h = darkness * chromatin * rim;
                    if (nucleolus is var (nu, nv) && (u - nu) * (u - nu) + (v - nv) * (v - nv) < 0.05)
                    {
                        h = darkness * 1.5;
                    }

                    canvas.Nucleus(y * width + x, h, cover);
                }
            }
        }

        public void Vessel(double cx, double cy, double r, SyntheticRandom rnd)
        {
            var reach = (int)Math.Ceiling(r) + 2;
            for (var y = Math.Max(0, (int)cy - reach); y <= Math.Min(height - 1, (int)cy + reach); y++)
            {
                for (var x = Math.Max(0, (int)cx - reach); x <= Math.Min(width - 1, (int)cx + reach); x++)
                {
                    var d = Math.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy));
                    if (d < r - 1.5)
                    {
                        // Red blood cells are strongly eosinophilic.
                        canvas.Set(y * width + x, 0.02, rnd.Chance(0.7) ? 1.5 : 0.2);
                    }
                }
            }

            for (var t = 0.0; t < 2 * Math.PI; t += rnd.Uniform(0.9, 1.4))
            {
                Paint(cx + r * Math.Cos(t), cy + r * Math.Sin(t), 3.5, 1.2, t + Math.PI / 2, 0.9, 0.05, false);
            }
        }
    }
}
