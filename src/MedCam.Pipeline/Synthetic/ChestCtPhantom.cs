namespace MedCam.Pipeline.Synthetic;

/// <summary>
/// Generates chest CT phantoms in Hounsfield units: body wall (fat, muscle), lungs with gravity-dependent density,
/// bronchovascular trees from the hila, trachea and main bronchi, mediastinum with heart and great vessels, spine,
/// ribs, sternum, scapulae and upper abdomen; COVID-19 (bilateral peripheral multifocal ground glass +/- consolidation)
/// or other pneumonia (unilateral lobar consolidation with air bronchograms). Blurred by a point-spread function and
/// overlaid with in-plane correlated Gaussian noise. Deterministic for a (seed, case index, finding).
/// </summary>
public static class ChestCtPhantom
{
    public static ChestCtVolume Generate(ChestCtFinding finding, long seed, int caseIndex = 0, ChestCtOptions? options = null)
    {
        options ??= new ChestCtOptions();
        options.Validate();
        var anatomy = new ChestAnatomy(SyntheticRandom.For(seed, caseIndex, "ct-anatomy"));
        var lesions = ChestLesions.Create(finding, anatomy, SyntheticRandom.For(seed, caseIndex, "ct-lesions"));

        int d = options.Slices, n = options.Matrix;
        var dx = options.FieldOfViewMm / n;
        var dz = options.SliceSpacingMm;
        var origin = new[] { -options.FieldOfViewMm / 2 + dx / 2, -options.FieldOfViewMm / 2 + dx / 2, -(d - 1) / 2.0 * dz };
        var hu = new float[d * n * n];
        var label = new byte[d * n * n];
        var lesionMask = new byte[d * n * n];

        for (var k = 0; k < d; k++)
        {
            var z = origin[2] + k * dz;
            for (var i = 0; i < n; i++)
            {
                var y = origin[1] + i * dx;
                var row = (k * n + i) * n;
                for (var j = 0; j < n; j++)
                {
                    var x = origin[0] + j * dx;
                    var (value, tissue) = anatomy.Base(x, y, z);
                    if (tissue == Tissue.Lung)
                    {
                        var m = lesions.Membership(x, y, z, out var lesionHu);
                        if (m > 0)
                        {
                            value += m * (lesionHu - value);
                        }

                        if (m >= 0.5)
                        {
                            lesionMask[row + j] = 1;
                        }
                    }

                    hu[row + j] = (float)value;
                    label[row + j] = (byte)tissue;
                }
            }
        }

        var grid = new Grid(origin, dx, dz, d, n);
        // Airways first (their air lumen shows through consolidation as air bronchograms), vessels on top.
        foreach (var tube in anatomy.Airways)
        {
            RasterAirway(hu, label, grid, tube);
        }

        foreach (var tube in anatomy.Vessels)
        {
            RasterSolidTube(hu, label, grid, tube, 40, lungOnly: tube.Generation > 0);
        }

        foreach (var tube in anatomy.MediastinalTubes)
        {
            RasterSolidTube(hu, label, grid, tube, 42, lungOnly: false);
        }

        var lungMask = new byte[label.Length];
        for (var v = 0; v < label.Length; v++)
        {
            lungMask[v] = label[v] == (byte)Tissue.Lung ? (byte)1 : (byte)0;
            if (lungMask[v] == 0)
            {
                lesionMask[v] = 0;
            }
        }

        // Scanner point-spread function (in-plane ~0.8 mm FWHM at 1.4 mm pixels) and slice profile.
        int[] shape = [d, n, n];
        NoiseFields.Smooth(hu, shape, 0.3, 0.6, 0.6);
        var noise = NoiseFields.Correlated(SyntheticRandom.For(seed, caseIndex, "ct-noise"), shape, 0, 0.9, 0.9);
        var result = new short[hu.Length];
        for (var v = 0; v < hu.Length; v++)
        {
            result[v] = (short)Math.Clamp(Math.Round(hu[v] + options.NoiseHu * noise[v]), -1024, 3071);
        }

        return new ChestCtVolume
        {
            Finding = finding,
            Slices = d,
            Rows = n,
            Columns = n,
            Hu = result,
            LesionMask = lesionMask,
            LungMask = lungMask,
            PixelSpacingMm = [dx, dx],
            SliceThicknessMm = dz,
            SliceSpacingMm = dz,
            Origin = origin,
            Orientation = [1, 0, 0, 0, 1, 0],
        };
    }

    private static void RasterAirway(float[] hu, byte[] label, Grid g, Tube tube)
    {
        const double Wall = 1.2;
        foreach (var (index, p) in g.Box(tube, Wall + 1))
        {
            var tissue = (Tissue)label[index];
            if (tissue is not (Tissue.Lung or Tissue.Mediastinum) && !(tissue == Tissue.Muscle && tube.Generation == 0))
            {
                continue;
            }

            var (dist, r) = tube.Measure(p, g.Dz / 2 * 0.5);
            if (dist < r)
            {
                // Lumen: air. Partial volume at small calibres keeps distal bronchi faint, as on real CT.
                var f = Math.Clamp(r / 2.0, 0.3, 1);
                hu[index] = (float)(hu[index] + f * (-990 - hu[index]));
            }
            else if (dist < r + Wall && (tissue == Tissue.Mediastinum || tube.Generation < 4))
            {
                var f = tissue == Tissue.Lung ? Math.Clamp(r / 3.0, 0.25, 0.8) : 1;
                hu[index] = (float)(hu[index] + f * (30 - hu[index]));
            }
        }
    }

    private static void RasterSolidTube(float[] hu, byte[] label, Grid g, Tube tube, double value, bool lungOnly)
    {
        foreach (var (index, p) in g.Box(tube, 1))
        {
            var tissue = (Tissue)label[index];
            if (tissue == Tissue.Outside || tissue == Tissue.Bone || (lungOnly && tissue != Tissue.Lung))
            {
                continue;
            }

            var (dist, r) = tube.Measure(p, g.Dz / 2 * 0.6);
            // Anti-aliased edge: a half-voxel ramp instead of a hard step.
            var f = Math.Clamp((r - dist) / (g.Dx * 0.7) + 0.5, 0, 1);
            if (f <= 0)
            {
                continue;
            }

            // Thin vessels are partially averaged with the lung around them.
            var pv = tissue == Tissue.Lung ? Math.Clamp(r / 1.2, 0.5, 1) : 1;
            hu[index] = (float)(hu[index] + f * pv * (value - hu[index]));
        }
    }

    private sealed record Grid(double[] Origin, double Dx, double Dz, int Slices, int Matrix)
    {
        public IEnumerable<(int Index, P3 P)> Box(Tube t, double margin)
        {
            var r = Math.Max(t.RadiusA, t.RadiusB) + margin;
            int j0 = Col(Math.Min(t.A.X, t.B.X) - r), j1 = Col(Math.Max(t.A.X, t.B.X) + r);
            int i0 = RowOf(Math.Min(t.A.Y, t.B.Y) - r), i1 = RowOf(Math.Max(t.A.Y, t.B.Y) + r);
            int k0 = Slice(Math.Min(t.A.Z, t.B.Z) - r - Dz), k1 = Slice(Math.Max(t.A.Z, t.B.Z) + r + Dz);
            for (var k = k0; k <= k1; k++)
            {
                for (var i = i0; i <= i1; i++)
                {
                    for (var j = j0; j <= j1; j++)
                    {
                        yield return (((k * Matrix) + i) * Matrix + j, new P3(Origin[0] + j * Dx, Origin[1] + i * Dx, Origin[2] + k * Dz));
                    }
                }
            }
        }

        private int Col(double x) => Math.Clamp((int)Math.Round((x - Origin[0]) / Dx), 0, Matrix - 1);

        private int RowOf(double y) => Math.Clamp((int)Math.Round((y - Origin[1]) / Dx), 0, Matrix - 1);

        private int Slice(double z) => Math.Clamp((int)Math.Round((z - Origin[2]) / Dz), 0, Slices - 1);
    }
}
