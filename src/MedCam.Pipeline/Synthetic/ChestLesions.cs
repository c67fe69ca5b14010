namespace MedCam.Pipeline.Synthetic;

/// <summary>
/// The lesions of one chest CT: a membership in [0, 1] (1 = fully lesion) and the lesion's own HU at a lung point.
/// COVID-19: 4-9 peripheral, bilateral, posterior/basal predominant ground-glass opacities with fuzzy margins,
/// some with a consolidated core. Other pneumonia: one lobar/segmental consolidation (0..+50 HU) in one lung,
/// bounded by the major fissure (air bronchograms come from the airway tree drawn over it).
/// </summary>
internal sealed class ChestLesions
{
    private readonly List<Blob> _blobs = [];
    private readonly Wave[] _texture;
    private Lobar? _lobar;

    private ChestLesions(SyntheticRandom random)
    {
        _texture = new Wave[6];
        for (var i = 0; i < _texture.Length; i++)
        {
            var dir = new P3(random.Gaussian(), random.Gaussian(), random.Gaussian() * 0.6).Normalised();
            var wavelength = random.Uniform(9, 26);
            _texture[i] = new Wave(dir * (2 * Math.PI / wavelength), random.Uniform(0, 2 * Math.PI));
        }
    }

    public static ChestLesions Create(ChestCtFinding finding, ChestAnatomy anatomy, SyntheticRandom random)
    {
        var lesions = new ChestLesions(random);
        switch (finding)
        {
            case ChestCtFinding.Covid19:
                // Moderate disease: multifocal GGOs involving several lobes of both lungs.
                var count = random.Next(4, 10);
                for (var i = 0; i < count; i++)
                {
                    var right = i % 2 == 0;
                    if (PeripheralPoint(anatomy, random, right) is { } blobCentre)
                    {
                        lesions._blobs.Add(new Blob(
                            blobCentre,
                            new P3(random.Uniform(16, 34), random.Uniform(16, 34), random.Uniform(15, 35)),
                            random.Uniform(-620, -380),
                            random.Chance(0.35) ? random.Uniform(-60, 20) : null));
                    }
                }

                break;
            case ChestCtFinding.OtherPneumonia:
                var rightLung = random.Chance(0.55);
                var lower = random.Chance(0.7);
                var hilum = rightLung ? anatomy.RightHilum : anatomy.LeftHilum;
                var lateral = rightLung ? -1 : 1;
                var centre = lower
                    ? new P3(hilum.X + lateral * random.Uniform(15, 30), hilum.Y + random.Uniform(25, 45), hilum.Z - random.Uniform(45, 70))
                    : new P3(hilum.X + lateral * random.Uniform(10, 25), hilum.Y - random.Uniform(5, 30), hilum.Z + random.Uniform(40, 65));
                lesions._lobar = new Lobar(
                    rightLung,
                    lower,
                    hilum.Z,
                    centre,
                    new P3(random.Uniform(40, 60), random.Uniform(40, 60), random.Uniform(40, 65)),
                    random.Uniform(10, 40));
                break;
            case ChestCtFinding.Normal:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(finding), finding, "Unknown finding.");
        }

        return lesions;
    }

    /// <summary>Lesion membership at a lung point and the lesion HU to blend towards.</summary>
    public double Membership(double x, double y, double z, out double lesionHu)
    {
        lesionHu = 0;
        if (_blobs.Count == 0 && _lobar is null)
        {
            return 0;
        }

        var p = new P3(x, y, z);
        var texture = Texture(p);
        var best = 0.0;
        foreach (var b in _blobs)
        {
            var u = (x - b.Centre.X) / b.Axes.X;
            var v = (y - b.Centre.Y) / b.Axes.Y;
            var w = (z - b.Centre.Z) / b.Axes.Z;
            var rho = Math.Sqrt(u * u + v * v + w * w);
            if (rho > 1.6)
            {
                continue;
            }

            // Fuzzy, lobulated margin: the edge wanders with the texture and fades over ~40% of the radius.
            var m = 1 - NoiseFields.SmoothStep(0.75, 1.25, rho + 0.18 * texture);
            if (m > best)
            {
                best = m;
                lesionHu = b.Hu + 45 * texture;
                if (b.ConsolidationHu is { } core && rho + 0.1 * texture < 0.45)
                {
                    lesionHu = core + 15 * texture;
                }
            }
        }

        if (_lobar is { } lobar && (x < 0) == lobar.Right)
        {
            // Major fissure: oblique plane, posterior-superior to anterior-inferior; the lower lobe lies behind it.
            var fissureZ = lobar.HilumZ + 8 + 0.85 * y;
            var sideOfFissure = lobar.Lower ? fissureZ - z : z - fissureZ;
            var inLobe = NoiseFields.SmoothStep(-1.5, 1.5, sideOfFissure);
            var u = (x - lobar.Centre.X) / lobar.Axes.X;
            var v = (y - lobar.Centre.Y) / lobar.Axes.Y;
            var w = (z - lobar.Centre.Z) / lobar.Axes.Z;
            var rho = Math.Sqrt(u * u + v * v + w * w);
            var m = inLobe * (1 - NoiseFields.SmoothStep(0.85, 1.1, rho + 0.12 * texture));
            if (m > best)
            {
                best = m;
                lesionHu = lobar.Hu + 14 * texture;
            }
        }

        return best;
    }

    private double Texture(P3 p)
    {
        var t = 0.0;
        foreach (var wave in _texture)
        {
            t += Math.Sin(wave.K.Dot(p) + wave.Phase);
        }

        return t / Math.Sqrt(_texture.Length / 2.0);
    }

    /// <summary>A point 4-14 mm inside the pleura, preferring posterior and basal lung (typical COVID-19 distribution).</summary>
    private static P3? PeripheralPoint(ChestAnatomy anatomy, SyntheticRandom random, bool right)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            var dome = right ? anatomy.RightDomeZ : anatomy.LeftDomeZ;
            var z = dome + 10 + (anatomy.LungApexZ - 35 - dome) * Math.Pow(random.NextDouble(), 1.6);
            var centre = anatomy.LungCentre(right, z);
            if (!anatomy.IsLung(centre.X, centre.Y, z))
            {
                continue;
            }

            // Lateral, posterior or anterior periphery; never medial (the mediastinal side).
            var lateral = right ? Math.PI : 0;
            var angle = lateral + random.Uniform(-1.9, 1.9) * (right ? -1 : 1);
            var dir = new P3(Math.Cos(angle), Math.Sin(angle) * 1.2, 0).Normalised();
            var p = centre;
            for (var step = 0; step < 200 && anatomy.IsLung(p.X, p.Y, z); step++)
            {
                p += dir * 1.0;
            }

            var inside = p - dir * random.Uniform(4, 14);
            if (anatomy.IsLung(inside.X, inside.Y, z))
            {
                return inside;
            }
        }

        return null;
    }

    private sealed record Blob(P3 Centre, P3 Axes, double Hu, double? ConsolidationHu);

    private sealed record Lobar(bool Right, bool Lower, double HilumZ, P3 Centre, P3 Axes, double Hu);

    private readonly record struct Wave(P3 K, double Phase);
}
