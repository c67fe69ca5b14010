namespace MedCam.Pipeline.Synthetic;

internal enum Tissue : byte
{
    Outside = 0,
    Fat = 1,
    Muscle = 2,
    Lung = 3,
    Mediastinum = 4,
    Bone = 5,
    Abdomen = 6,
}

/// <summary>
/// The analytic chest of one patient in LPS millimetres (x to the patient's left, y posterior, z superior), centred
/// on the mid-thorax: superellipse body and thoracic cavity, lungs bounded by the mediastinum and domed diaphragm,
/// heart in its fat, spine, ribs descending anteriorly, sternum, scapulae; tubes for airways and vessels.
/// </summary>
internal sealed class ChestAnatomy
{
    private readonly Tube[] _mediastinalBulges;

    public ChestAnatomy(SyntheticRandom random)
    {
        Scale = random.Uniform(0.92, 1.06);
        BodyA = 158 * Scale * random.Uniform(0.97, 1.04);
        BodyB = 112 * Scale * random.Uniform(0.96, 1.04);
        FatMm = random.Uniform(7, 18);
        LungApexZ = random.Uniform(140, 152);
        RightDomeZ = random.Uniform(-72, -58);
        LeftDomeZ = RightDomeZ - random.Uniform(8, 16);
        HeartCentre = new P3(20 * Scale, -22 * Scale, random.Uniform(-45, -35));
        HeartAxes = new P3(60 * Scale, 48 * Scale, 55);
        RibPhase = random.Uniform(0, 8);
        CarinaZ = random.Uniform(42, 55);
        RightHilum = new P3(-48 * Scale, 8 * Scale, CarinaZ - 18);
        LeftHilum = new P3(48 * Scale, 10 * Scale, CarinaZ - 12);
        Airways = [];
        Vessels = [];
        MediastinalTubes = [];
        BuildTubes(random);
        _mediastinalBulges = [.. MediastinalTubes, .. Airways.Where(t => t.Generation == 0)];
    }

    public double Scale { get; }

    public double BodyA { get; }

    public double BodyB { get; }

    public double FatMm { get; }

    public double LungApexZ { get; }

    public double RightDomeZ { get; }

    public double LeftDomeZ { get; }

    public P3 HeartCentre { get; }

    public P3 HeartAxes { get; }

    public double RibPhase { get; }

    public double CarinaZ { get; }

    public P3 RightHilum { get; }

    public P3 LeftHilum { get; }

    public List<Tube> Airways { get; }

    public List<Tube> Vessels { get; }

    public List<Tube> MediastinalTubes { get; }

    /// <summary>Centre of a lung's cross-section at height z (used to place lesions).</summary>
    public P3 LungCentre(bool right, double z) => new((right ? -72 : 74) * Scale, 8 * Scale, z);

    public double DomeZ(double x, double y)
    {
        var right = x < 0;
        var top = right ? RightDomeZ : LeftDomeZ;
        var cx = (right ? -70 : 70) * Scale;
        var u = (x - cx) / (85 * Scale);
        var v = (y - 0) / (95 * Scale);
        // Dome highest over the middle of each hemithorax, falling into the lateral and posterior recesses.
        return top - 55 * u * u - 45 * v * v * (v > 0 ? 1.4 : 0.8);
    }

    /// <summary>The base HU and tissue class at a point, before lesions, tubes, blur and noise.</summary>
    public (double Hu, Tissue Tissue) Base(double x, double y, double z)
    {
        var body = SuperEllipse(x, y, 0, 0, BodyA, BodyB, 2.4);
        if (body > 1)
        {
            // CT table: a carbon-fibre plate under the patient.
            var tableTop = BodyB + 10;
            if (y > tableTop && y < tableTop + 7 && Math.Abs(x) < 190)
            {
                return (y < tableTop + 1.5 || y > tableTop + 5.5 ? 120 : -350, Tissue.Outside);
            }

            return (-1000, Tissue.Outside);
        }

        var fatBoundary = SuperEllipse(x, y, 0, 0, BodyA - FatMm, BodyB - FatMm * 0.8, 2.4);
        if (fatBoundary > 1)
        {
            return (-100, Tissue.Fat);
        }

        if (Bone(x, y, z) is { } bone)
        {
            return (bone, Tissue.Bone);
        }

        var (cavity, cavityScale) = Cavity(x, y, z);
        if (cavity > 1)
        {
            return (50, Tissue.Muscle);
        }

        // Posterior block around the spine: paraspinal muscle between the lungs' posterior gutters.
        var px = x / (30 * Scale);
        var py = (y - 78 * Scale) / (36 * Scale);
        if (px * px + py * py < 1)
        {
            return (48, Tissue.Muscle);
        }

        if (z < DomeZ(x, y))
        {
            return (Abdomen(x, y, z), Tissue.Abdomen);
        }

        var heart = Ellipsoid(new P3(x, y, z), HeartCentre, HeartAxes);
        if (heart <= 1)
        {
            return (38, Tissue.Mediastinum);
        }

        if (heart <= 1.2)
        {
            return (-95, Tissue.Mediastinum);
        }

        if (Mediastinum(x, y, z, cavityScale))
        {
            return (-85, Tissue.Mediastinum);
        }

        if (z > LungApexZ)
        {
            return (-85, Tissue.Mediastinum);
        }

        // Aerated lung, denser in the dependent (posterior) part in a supine patient.
        var dependent = NoiseFields.SmoothStep(-20, 75, y);
        return (-865 + 60 * dependent, Tissue.Lung);
    }

    public bool IsLung(double x, double y, double z) => Base(x, y, z).Tissue == Tissue.Lung;

    private static double SuperEllipse(double x, double y, double cx, double cy, double a, double b, double p) =>
        Math.Pow(Math.Pow(Math.Abs(x - cx) / a, p) + Math.Pow(Math.Abs(y - cy) / b, p), 1 / p);

    private static double Ellipsoid(P3 p, P3 c, P3 axes)
    {
        var u = (p.X - c.X) / axes.X;
        var v = (p.Y - c.Y) / axes.Y;
        var w = (p.Z - c.Z) / axes.Z;
        return Math.Sqrt(u * u + v * v + w * w);
    }

    /// <summary>Normalised radius within the rib cage's inner surface, which narrows towards the apices.</summary>
    private (double Rho, double Scale) Cavity(double x, double y, double z)
    {
        var taper = 1.0;
        if (z > 55)
        {
            var t = Math.Clamp((z - 55) / (LungApexZ + 12 - 55), 0, 1);
            taper = Math.Sqrt(Math.Max(1 - t * t, 0.02));
        }

        var a = (BodyA - FatMm - 17) * taper;
        var b = (BodyB - FatMm * 0.8 - 15) * (0.55 + 0.45 * taper);
        return (SuperEllipse(x, y, 0, 4 * Scale, a, b, 2.2), taper);
    }

    private bool Mediastinum(double x, double y, double z, double cavityScale)
    {
        // Central column: a lens between sternum and spine, narrow in front; the lungs hug the great vessels,
        // trachea and oesophagus, which bulge it (pleura within a few mm of each).
        var lens = 1 - Math.Pow((y - 10 * Scale) / (BodyB * 0.95), 2);
        var half = (y < -40 * Scale ? 7 : 13) * Scale * Math.Max(lens, 0.2) * (0.6 + 0.4 * cavityScale);
        if (Math.Abs(x - 3 * Scale) < half)
        {
            return true;
        }

        if (Math.Abs(x) < 75 * Scale)
        {
            var p = new P3(x, y, z);
            foreach (var t in _mediastinalBulges)
            {
                var (dist, r) = t.Measure(p, 0);
                if (dist < r + 6)
                {
                    return true;
                }
            }
        }

        // Hilar soft tissue.
        return Ellipsoid(new P3(x, y, z), RightHilum, new P3(12, 14, 16)) < 1 || Ellipsoid(new P3(x, y, z), LeftHilum, new P3(12, 14, 16)) < 1;
    }

    private double Abdomen(double x, double y, double z)
    {
        if (x < 15 * Scale)
        {
            return 58; // liver
        }

        // Stomach fundus with an air-fluid level under the left dome, spleen behind.
        var bubble = Ellipsoid(new P3(x, y, z), new P3(55 * Scale, -10 * Scale, LeftDomeZ - 30), new P3(38, 32, 26));
        if (bubble < 1)
        {
            return y < -10 * Scale ? -1000 : 12;
        }

        return y > 30 * Scale ? 48 : 35;
    }

    private double? Bone(double x, double y, double z)
    {
        // Vertebral body, posterior arch, spinous and transverse processes; discs every ~26 mm.
        var vx = x / (17 * Scale);
        var vy = (y - 64 * Scale) / (15 * Scale);
        var vb = Math.Sqrt(vx * vx + vy * vy);
        var level = (z + RibPhase + 200) % 26;
        var disc = level < 5;
        if (vb <= 1)
        {
            return disc ? 85 : vb > 0.86 ? 820 : 230;
        }

        if (!disc)
        {
            var cy = y - 88 * Scale;
            var canal = Math.Sqrt(x * x + cy * cy);
            if (canal < 8 * Scale)
            {
                return null; // CSF and cord are soft tissue: handled as muscle-like below
            }

            if (canal < 13 * Scale && cy > -6 * Scale)
            {
                return 700;
            }

            if (Math.Abs(x) < 4 * Scale && y > 95 * Scale && y < 112 * Scale)
            {
                return 650;
            }

            if (Math.Abs(y - 80 * Scale) < 5 * Scale && Math.Abs(x) > 12 * Scale && Math.Abs(x) < 32 * Scale)
            {
                return 600;
            }
        }

        // Sternum.
        var frontY = -BodyB + FatMm * 0.8;
        if (Math.Abs(x) < 15 * Scale && y > frontY + 2 && y < frontY + 13 && z > -70 && z < 120)
        {
            var shell = Math.Min(Math.Min(y - frontY - 2, frontY + 13 - y), 15 * Scale - Math.Abs(x));
            return shell < 1.6 ? 750 : 220;
        }

        // Scapulae: thin plates over the posterolateral upper chest.
        if (z > 15)
        {
            var sx = Math.Abs(x);
            var dist = DistanceToSegment(sx, y, 70 * Scale, 100 * Scale, 125 * Scale, 62 * Scale);
            if (dist < 2.8 && SuperEllipse(x, y, 0, 4 * Scale, BodyA - FatMm - 17, BodyB - FatMm * 0.8 - 15, 2.2) > 1.03)
            {
                return 680;
            }
        }

        return Rib(x, y, z);
    }

    private double? Rib(double x, double y, double z)
    {
        var (rho, taper) = Cavity(x, y, z);
        if (rho < 1 || z > LungApexZ + 15)
        {
            return null;
        }

        var r = Math.Sqrt(x * x + (y - 4 * Scale) * (y - 4 * Scale));
        var outside = r - r / rho;
        if (outside < 1.0 || outside > 10.5)
        {
            return null;
        }

        var phi = Math.Atan2(Math.Abs(x), y); // 0 posterior midline, pi anterior midline
        if (phi < 0.45 || phi > 2.75)
        {
            return null;
        }

        // Ribs descend from the spine to the front by ~55 mm; 12 levels ~24 mm apart posteriorly.
        var drop = 55 * (1 - Math.Cos(phi)) / 2;
        for (var level = 0; level < 12; level++)
        {
            var zr = LungApexZ + 8 - RibPhase - level * 24 - drop;
            var dz = Math.Abs(z - zr);
            if (dz < 6)
            {
                var edge = Math.Min(6 - dz, Math.Min(outside - 1.0, 10.5 - outside));
                if (phi > 2.35)
                {
                    return 140; // costal cartilage
                }

                return edge < 1.5 ? 850 : 320;
            }
        }

        _ = taper;
        return null;
    }

    private static double DistanceToSegment(double px, double py, double ax, double ay, double bx, double by)
    {
        double vx = bx - ax, vy = by - ay;
        var t = Math.Clamp(((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy), 0, 1);
        double dx = px - (ax + t * vx), dy = py - (ay + t * vy);
        return Math.Sqrt(dx * dx + dy * dy);
    }

    private void BuildTubes(SyntheticRandom random)
    {
        var s = Scale;
        var trachea = new P3(0, 20 * s, 200);
        var carina = new P3(0, 20 * s, CarinaZ);
        Airways.Add(new Tube(trachea, carina, 9 * s, 8.5 * s, 0));
        Airways.Add(new Tube(carina, RightHilum + new P3(4, 2, 0), 7 * s, 6 * s, 0));
        Airways.Add(new Tube(carina, LeftHilum + new P3(-4, 2, 0), 6.5 * s, 5.5 * s, 0));

        // Great vessels (non-contrast blood ~40 HU), oesophagus and SVC.
        var ascTop = new P3(-4 * s, -16 * s, 80);
        MediastinalTubes.Add(new Tube(new P3(-2 * s, -18 * s, HeartCentre.Z + 30), ascTop, 15 * s, 15 * s, 0));
        MediastinalTubes.Add(new Tube(ascTop, new P3(6 * s, 12 * s, 92), 14 * s, 13 * s, 0));
        MediastinalTubes.Add(new Tube(new P3(6 * s, 12 * s, 92), new P3(20 * s, 46 * s, 82), 13 * s, 12 * s, 0));
        MediastinalTubes.Add(new Tube(new P3(20 * s, 46 * s, 82), new P3(16 * s, 50 * s, -200), 12 * s, 11 * s, 0));
        MediastinalTubes.Add(new Tube(new P3(-28 * s, -12 * s, 110), new P3(-25 * s, -14 * s, HeartCentre.Z + 35), 9 * s, 10 * s, 0));
        MediastinalTubes.Add(new Tube(new P3(7 * s, 38 * s, 200), new P3(10 * s, 36 * s, -120), 7 * s, 7 * s, 0));
        var trunk = new P3(14 * s, -4 * s, CarinaZ - 8);
        MediastinalTubes.Add(new Tube(new P3(16 * s, -30 * s, HeartCentre.Z + 45), trunk, 13 * s, 13 * s, 0));
        Vessels.Add(new Tube(trunk, RightHilum, 11 * s, 9 * s, 0));
        Vessels.Add(new Tube(trunk, LeftHilum, 11 * s, 9 * s, 0));

        foreach (var right in new[] { true, false })
        {
            var hilum = right ? RightHilum : LeftHilum;
            var lateral = right ? -1.0 : 1.0;
            P3[] lobes =
            [
                new(0.35 * lateral, -0.25, 0.9),   // upper lobe
                new(0.9 * lateral, -0.45, -0.15),  // middle lobe / lingula
                new(0.45 * lateral, 0.55, -0.7),   // lower lobe
                new(0.6 * lateral, 0.7, 0.05),     // superior segment of the lower lobe
                new(0.5 * lateral, -0.6, 0.6),     // anterior segment of the upper lobe
                new(0.5 * lateral, 0.1, -0.9),     // basal segments
            ];
            foreach (var dir in lobes)
            {
                var outward = new P3(lateral, 0, 0);
                var vessels = Tube.Tree(random, hilum, dir, dir.Z < -0.5 ? 34 : 26, 5.5 * s, 7, outward);
                Vessels.AddRange(vessels);
                // Bronchi run beside their arteries, slightly thinner, visible for fewer generations.
                var offset = new P3(0, 0, 4).Cross(dir.Normalised()).Normalised() * 5;
                foreach (var v in vessels)
                {
                    if (v.Generation < 5)
                    {
                        Airways.Add(new Tube(v.A + offset, v.B + offset, v.RadiusA * 0.8, v.RadiusB * 0.8, v.Generation + 1));
                    }
                }
            }
        }
    }
}
