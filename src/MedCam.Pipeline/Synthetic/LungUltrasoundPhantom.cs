namespace MedCam.Pipeline.Synthetic;

/// <summary>
/// Generates lung ultrasound cines through a convex probe: chest wall with fascia, two ribs with acoustic shadows
/// (the "bat sign"), the pleural line sliding laterally with respiration, and below it the lung artefacts:
/// A-lines (reverberations at multiples of the pleural depth) when healthy, B-lines (vertical comet tails from the
/// pleura to the bottom, moving with sliding) in COVID-19, a subpleural consolidation (tissue-like, shred border,
/// dynamic air bronchograms) in pneumonia. Echo amplitudes are rendered along the beams (polar), multiplied by
/// Rayleigh speckle, log-compressed and scan-converted. Deterministic for (seed, case index, finding).
/// </summary>
public static class LungUltrasoundPhantom
{
    private const int Lines = 128;
    private const int Margin = 24;

    public static LungUltrasoundCine Generate(LungUltrasoundFinding finding, long seed, int caseIndex = 0, LungUltrasoundOptions? options = null)
    {
        options ??= new LungUltrasoundOptions();
        options.Validate();
        var random = SyntheticRandom.For(seed, caseIndex, "us-scene");
        var scene = new Scene(finding, random, options);
        var samples = options.Size + options.Size / 4;
        var half = options.SectorDegrees / 2 * Math.PI / 180;
        var dTheta = 2 * half / Lines;
        var dr = options.DepthMm / samples;

        // Speckle: complex Gaussian fields smoothed to the resolution cell (axial < lateral); |field| is Rayleigh.
        int[] fieldShape = [samples, Lines + 2 * Margin];
        var speckleRandom = SyntheticRandom.For(seed, caseIndex, "us-speckle");
        var tissueRe = NoiseFields.Correlated(speckleRandom, fieldShape, 0.5, 0.8);
        var tissueIm = NoiseFields.Correlated(speckleRandom, fieldShape, 0.5, 0.8);
        var tissueRe2 = NoiseFields.Correlated(speckleRandom, fieldShape, 0.5, 0.8);
        var tissueIm2 = NoiseFields.Correlated(speckleRandom, fieldShape, 0.5, 0.8);
        var lungRe = NoiseFields.Correlated(speckleRandom, fieldShape, 0.8, 1.0);
        var lungIm = NoiseFields.Correlated(speckleRandom, fieldShape, 0.8, 1.0);

        int n = options.Size, frames = options.Frames;
        var pixels = new byte[frames * n * n];
        var lesion = new byte[frames * n * n];
        var sector = new byte[n * n];
        var polar = new float[samples * Lines];
        var polarMask = new byte[samples * Lines];
        var spacing = options.DepthMm / n;
        var geometry = new (double I, double J)[n * n];
        for (var row = 0; row < n; row++)
        {
            for (var col = 0; col < n; col++)
            {
                var x = (col - n / 2.0 + 0.5) * spacing;
                var y = (row + 0.5) * spacing + options.ProbeRadiusMm;
                var r = Math.Sqrt(x * x + y * y) - options.ProbeRadiusMm;
                var theta = Math.Atan2(x, y);
                var i = r / dr - 0.5;
                var j = (theta + half) / dTheta - 0.5;
                var inside = r >= 0 && r <= options.DepthMm && Math.Abs(theta) <= half;
                geometry[row * n + col] = inside ? (i, j) : (-1, -1);
                sector[row * n + col] = inside ? (byte)1 : (byte)0;
            }
        }

        for (var t = 0; t < frames; t++)
        {
            var time = t * options.FrameTimeMs / 1000.0;
            var slide = scene.Sliding(time);
            // Tissue speckle decorrelates slowly (hand and chest wall motion), lung speckle moves with the pleura.
            var mix = 0.25 * Math.Sin(2 * Math.PI * time / 1.7 + scene.Phase);
            var (cm, sm) = (Math.Cos(mix), Math.Sin(mix));
            var shift = slide / dTheta;
            for (var i = 0; i < samples; i++)
            {
                var r = (i + 0.5) * dr;
                for (var j = 0; j < Lines; j++)
                {
                    var theta = -half + (j + 0.5) * dTheta;
                    var echo = scene.Echo(r, theta, slide, time, out var isLung, out var isLesion);
                    double re, im;
                    if (isLung)
                    {
                        (re, im) = Sample(lungRe, lungIm, fieldShape, i, j + Margin - shift);
                    }
                    else
                    {
                        var k = i * fieldShape[1] + j + Margin;
                        re = cm * tissueRe[k] + sm * tissueRe2[k];
                        im = cm * tissueIm[k] + sm * tissueIm2[k];
                    }

                    // Rayleigh amplitude with unit mean square, attenuation partly compensated by TGC.
                    var speckle = Math.Sqrt((re * re + im * im) / 2);
                    var amplitude = echo * speckle * (1 - 0.35 * r / options.DepthMm);
                    var db = 20 * Math.Log10(amplitude + 1e-4);
                    polar[i * Lines + j] = (float)Math.Clamp((db + 34) / 40 * 255, 0, 255);
                    polarMask[i * Lines + j] = isLesion ? (byte)1 : (byte)0;
                }
            }

            ScanConvert(polar, polarMask, samples, geometry, pixels.AsSpan(t * n * n, n * n), lesion.AsSpan(t * n * n, n * n));
        }

        return new LungUltrasoundCine
        {
            Finding = finding,
            Frames = frames,
            Rows = n,
            Columns = n,
            Pixels = pixels,
            LesionMask = lesion,
            SectorMask = sector,
            FrameTimeMs = options.FrameTimeMs,
            PixelSpacingMm = [spacing, spacing],
            DepthMm = options.DepthMm,
            ProbeRadiusMm = options.ProbeRadiusMm,
            SectorDegrees = options.SectorDegrees,
            PleuraDepthMm = scene.PleuraDepth,
        };
    }

    private static (double Re, double Im) Sample(float[] re, float[] im, int[] shape, int i, double j)
    {
        var j0 = Math.Clamp((int)Math.Floor(j), 0, shape[1] - 2);
        var f = Math.Clamp(j - j0, 0, 1);
        var k = i * shape[1] + j0;
        return (re[k] + f * (re[k + 1] - re[k]), im[k] + f * (im[k + 1] - im[k]));
    }

    private static void ScanConvert(float[] polar, byte[] polarMask, int samples, (double I, double J)[] geometry, Span<byte> image, Span<byte> mask)
    {
        for (var p = 0; p < geometry.Length; p++)
        {
            var (i, j) = geometry[p];
            if (i < 0)
            {
                image[p] = 0;
                continue;
            }

            var i0 = Math.Clamp((int)Math.Floor(i), 0, samples - 2);
            var j0 = Math.Clamp((int)Math.Floor(j), 0, Lines - 2);
            var fi = Math.Clamp(i - i0, 0, 1);
            var fj = Math.Clamp(j - j0, 0, 1);
            var k = i0 * Lines + j0;
            var top = polar[k] + fj * (polar[k + 1] - polar[k]);
            var bottom = polar[k + Lines] + fj * (polar[k + Lines + 1] - polar[k + Lines]);
            image[p] = (byte)Math.Round(top + fi * (bottom - top));
            var nearest = (int)Math.Round(i) * Lines + (int)Math.Round(j);
            mask[p] = polarMask[Math.Clamp(nearest, 0, polarMask.Length - 1)];
        }
    }

    /// <summary>The echo-generating scene along the beams: depths in mm, angles in radians.</summary>
    private sealed class Scene
    {
        private readonly LungUltrasoundFinding _finding;
        private readonly double _slideAmplitude;
        private readonly double _breathPeriod;
        private readonly (double Theta, double HalfWidth)[] _ribs;
        private readonly (double Depth, double Amplitude)[] _fascia;
        private readonly (double Theta, double Width, double Amplitude)[] _bLines;
        private readonly double _consolidationTheta;
        private readonly double _consolidationHalfWidth;
        private readonly double _consolidationDepth;
        private readonly double[] _shred;
        private readonly (double R, double Theta, double Size)[] _bronchograms;
        private readonly double[] _pleuraTexture;

        public Scene(LungUltrasoundFinding finding, SyntheticRandom random, LungUltrasoundOptions options)
        {
            _finding = finding;
            PleuraDepth = random.Uniform(14, 22);
            Phase = random.Uniform(0, 2 * Math.PI);
            _breathPeriod = random.Uniform(1.8, 3.0);
            _slideAmplitude = random.Uniform(2.0, 3.5) / (options.ProbeRadiusMm + PleuraDepth);
            var half = options.SectorDegrees / 2 * Math.PI / 180;
            var ribOffset = random.Uniform(0.72, 0.85) * half;
            var centre = random.Uniform(-0.06, 0.06) * half;
            _ribs =
            [
                (centre - ribOffset, random.Uniform(0.09, 0.12) * half),
                (centre + ribOffset, random.Uniform(0.09, 0.12) * half),
            ];
            _fascia = [(random.Uniform(3, 6), random.Uniform(1.5, 2.2)), (random.Uniform(8, PleuraDepth - 4), random.Uniform(1.2, 2.0))];
            _pleuraTexture = new double[64];
            for (var i = 0; i < _pleuraTexture.Length; i++)
            {
                _pleuraTexture[i] = random.Uniform(0.55, 1.45);
            }

            var window = ribOffset - 0.15 * half;
            _bLines = [];
            if (finding == LungUltrasoundFinding.Covid19)
            {
                var count = random.Next(2, 5);
                _bLines = new (double, double, double)[count];
                for (var b = 0; b < count; b++)
                {
                    // Spread across the intercostal window; widths from single comet tails to confluent "light beams".
                    var slot = -window + (2 * window) * (b + random.Uniform(0.2, 0.8)) / count;
                    _bLines[b] = (centre + slot, random.Uniform(0.018, 0.035), random.Uniform(1.1, 1.7));
                }
            }

            _consolidationTheta = centre + random.Uniform(-0.3, 0.3) * window;
            _consolidationHalfWidth = random.Uniform(0.45, 0.65) * window;
            _consolidationDepth = random.Uniform(22, 38);
            _shred = new double[16];
            for (var i = 0; i < _shred.Length; i++)
            {
                _shred[i] = random.Uniform(-0.35, 0.35);
            }

            _bronchograms = new (double, double, double)[finding == LungUltrasoundFinding.Pneumonia ? random.Next(5, 10) : 0];
            for (var b = 0; b < _bronchograms.Length; b++)
            {
                _bronchograms[b] = (
                    PleuraDepth + random.Uniform(3, _consolidationDepth * 0.8),
                    _consolidationTheta + random.Uniform(-0.7, 0.7) * _consolidationHalfWidth,
                    random.Uniform(0.6, 1.4));
            }
        }

        public double PleuraDepth { get; }

        public double Phase { get; }

        /// <summary>Lateral displacement of the visceral pleura and lung (radians) at time t (s).</summary>
        public double Sliding(double time) => _slideAmplitude * Math.Sin(2 * Math.PI * time / _breathPeriod + Phase);

        public double Echo(double r, double theta, double slide, double time, out bool isLung, out bool isLesion)
        {
            isLung = false;
            isLesion = false;
            foreach (var (ribTheta, ribHalf) in _ribs)
            {
                var u = (theta - ribTheta) / ribHalf;
                if (Math.Abs(u) < 1)
                {
                    // Rib: convex bright cortex just above the pleural plane, then a dark acoustic shadow.
                    var surface = PleuraDepth - 5 - 2.5 * (1 - u * u);
                    if (r < surface - 1.2)
                    {
                        return ChestWall(r);
                    }

                    if (r < surface + 1.2)
                    {
                        return 1.6 * Math.Exp(-Math.Pow((r - surface) / 0.7, 2)) + ChestWall(r) * 0.3;
                    }

                    return 0.015 + 0.03 * Math.Exp(-(r - surface) / 6);
                }
            }

            if (r < PleuraDepth - 1.5)
            {
                return ChestWall(r);
            }

            var lungTheta = theta - slide;
            var texture = _pleuraTexture[(int)(((lungTheta + 1) * 180) % _pleuraTexture.Length + _pleuraTexture.Length) % _pleuraTexture.Length];
            var pleuraThickness = _finding == LungUltrasoundFinding.Covid19 ? 1.3 : 0.8;
            var pleura = 2.4 * texture * Math.Exp(-Math.Pow((r - PleuraDepth) / pleuraThickness, 2));
            if (r < PleuraDepth)
            {
                return ChestWall(r) + pleura;
            }

            isLung = true;
            double echo = 0.035 + pleura;
            var aLineWeight = 1.0;
            if (_finding == LungUltrasoundFinding.Pneumonia)
            {
                var u = (lungTheta - _consolidationTheta) / _consolidationHalfWidth;
                if (Math.Abs(u) < 1)
                {
                    var shredIndex = (int)((u + 1) / 2 * (_shred.Length - 1));
                    var depth = _consolidationDepth * (1 - 0.5 * u * u) * (1 + _shred[shredIndex]);
                    var bottom = PleuraDepth + depth;
                    if (r < bottom)
                    {
                        isLesion = true;
                        isLung = true;
                        echo = 0.16 + pleura * 0.3;
                        foreach (var (br, bt, size) in _bronchograms)
                        {
                            // Dynamic air bronchograms: bright foci that move with respiration.
                            var bRadial = br + 0.8 * Math.Sin(2 * Math.PI * time / _breathPeriod);
                            var dRadial = (r - bRadial) / (0.9 * size);
                            var dLateral = (lungTheta - bt) * (r + 40) / (2.2 * size);
                            echo += 1.6 * Math.Exp(-dRadial * dRadial - dLateral * dLateral);
                        }

                        return echo;
                    }

                    // Shred sign: bright irregular deep border, then reverberation artefact instead of A-lines.
                    echo += 1.1 * Math.Exp(-Math.Pow((r - bottom) / 1.0, 2));
                    echo += 0.25 * Math.Exp(-(r - bottom) / 25);
                    aLineWeight = 0;
                }
            }

            foreach (var (bt, width, amplitude) in _bLines)
            {
                var u = (lungTheta - bt) / width;
                var b = Math.Exp(-u * u);
                if (b > 0.01)
                {
                    // Laser-like, undamped to the bottom of the screen, erasing the A-lines.
                    echo += amplitude * b * (0.85 + 0.15 * Math.Cos(r * 1.3));
                    aLineWeight *= 1 - b;
                    if (b > 0.5)
                    {
                        isLesion = true;
                    }
                }
            }

            for (var k = 2; k <= 5; k++)
            {
                var depth = k * PleuraDepth;
                echo += aLineWeight * 1.4 * Math.Pow(0.6, k - 1) * Math.Exp(-Math.Pow((r - depth) / 0.9, 2));
            }

            return echo;
        }

        private double ChestWall(double r)
        {
            var echo = r < 2 ? 0.1 : 0.17;
            foreach (var (depth, amplitude) in _fascia)
            {
                echo += amplitude * 0.5 * Math.Exp(-Math.Pow((r - depth) / 0.6, 2));
            }

            // Intercostal muscle striations.
            if (r > _fascia[1].Depth)
            {
                echo += 0.025 * Math.Sin(r * 2.1);
            }

            return echo;
        }
    }
}
