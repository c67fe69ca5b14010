using System.Globalization;
using System.Text.Json;
using MedCam.Imaging.Nifti;
using MedCam.Imaging.Tests.Rendering;

namespace MedCam.Imaging.Tests;

public class NiftiTests
{
    /// <summary>nibabel's view of a file: shape, dtype, affines, codes, header fields, values (as float64 list).</summary>
    private const string NibabelDump = """
        import sys, json
        import numpy as np
        import nibabel as nib
        img = nib.load(sys.argv[1])
        h = img.header
        q, qcode = img.get_qform(coded=True)
        s, scode = img.get_sform(coded=True)
        raw = np.asanyarray(img.dataobj.get_unscaled()) if hasattr(img.dataobj, "get_unscaled") else np.asanyarray(img.dataobj)
        np.asarray(img.get_fdata(dtype=np.float32), dtype="<f4").ravel(order="F").tofile(sys.argv[2])
        ipp, iop, ps, step = [np.array(json.loads(a), dtype=float) for a in sys.argv[3:7]] if len(sys.argv) > 3 else [None] * 4
        expected = None
        if ipp is not None:
            # DICOM PS3.3 C.7.6.2.1.1 voxel -> LPS, independent of MedCam, then LPS -> RAS
            lps = np.eye(4)
            lps[:3, 0] = iop[:3] * ps[1]
            lps[:3, 1] = iop[3:] * ps[0]
            lps[:3, 2] = step
            lps[:3, 3] = ipp
            expected = (np.diag([-1, -1, 1, 1]) @ lps).tolist()
        print(json.dumps({
            "shape": list(img.shape),
            "dtype": str(h.get_data_dtype()),
            "affine": img.affine.tolist(),
            "qform": q.tolist(), "qcode": int(qcode),
            "sform": s.tolist(), "scode": int(scode),
            "zooms": [float(z) for z in h.get_zooms()],
            "units": list(h.get_xyzt_units()),
            "slope_inter": [None if v is None else float(v) for v in h.get_slope_inter()],
            "cal": [float(h["cal_min"]), float(h["cal_max"])],
            "descrip": h["descrip"].item().decode(),
            "raw_dtype": str(raw.dtype),
            "expected": expected,
        }))
        """;

    private static readonly double[] ObliqueIop = Oblique();

    private static double[] Oblique()
    {
        // Row/column cosines of a plane rotated 30 degrees about the patient's z then tilted 10 degrees about x.
        double a = Math.PI / 6, t = Math.PI / 18;
        double[] row = [Math.Cos(a), Math.Sin(a), 0];
        double[] col = [-Math.Sin(a) * Math.Cos(t), Math.Cos(a) * Math.Cos(t), Math.Sin(t)];
        return [.. row, .. col];
    }

    [Fact]
    public void FromDicomImagePlane_AxialCt_RasAffineFromHand()
    {
        // Axial CT: rows run to the patient's left (+x LPS), columns to posterior (+y), slices to head (+z).
        var lps = NiftiAffine.FromDicomImagePlane([-200, -150, -100], [1, 0, 0, 0, 1, 0], [0.7, 0.8], [0, 0, 2.5]);

        var ras = lps.FlipLpsRas();

        var expected = NiftiAffine.FromRows([-0.8, 0, 0, 200], [0, -0.7, 0, 150], [0, 0, 2.5, -100]);
        Assert.True(ras.ApproximatelyEquals(expected, 1e-12), ras.ToString());
        Assert.Equal((200.0, 150.0, -100.0 + (2.5 * 3)), ras.Apply(0, 0, 3));
    }

    [Fact]
    public void SliceStep_FirstAndLastPositions_AverageStep()
    {
        var step = NiftiAffine.SliceStep([0, 0, 10], [0, 0, 40], 13, [1, 0, 0, 0, 1, 0]);

        Assert.Equal([0, 0, 2.5], step);
        Assert.Equal([0, 0, -3], NiftiAffine.SliceStep([0, 0, 10], [0, 0, 10], 1, [1, 0, 0, 0, -1, 0], 3));
    }

    [Fact]
    public void Write_ObliqueInt16CtNiiGz_NibabelReadsShapeAffineAndValues()
    {
        using var dir = new RenderTempDir();
        const int slices = 5, rows = 7, cols = 9;
        double[] ipp = [-120.5, 80.25, -300], ps = [0.6, 0.75];
        var step = NiftiAffine.SliceStep(ipp, [ipp[0] + 0.3, ipp[1] - 2.0, ipp[2] + 11.0], slices, ObliqueIop);
        var hu = new short[slices * rows * cols];
        for (var i = 0; i < hu.Length; i++)
        {
            hu[i] = (short)((i * 97 % 4000) - 1024);
        }

        var ras = NiftiAffine.FromDicomImagePlane(ipp, ObliqueIop, ps, step).FlipLpsRas();
        var path = dir.File("ct.nii.gz");
        NiftiWriter.Write(path, NiftiVolume.FromSlices(hu, slices, rows, cols, ras));

        var nib = Nibabel(path, dir.File("values.f32"), ipp, ObliqueIop, ps, step);

        Assert.Equal([cols, rows, slices], Ints(nib.GetProperty("shape")));
        Assert.Equal("int16", nib.GetProperty("dtype").GetString());
        var affine = Matrix(nib.GetProperty("affine"));
        AssertClose(Matrix(nib.GetProperty("expected")), affine, 1e-4);
        AssertClose(affine, Matrix(nib.GetProperty("sform")), 1e-9);
        Assert.Equal(1, nib.GetProperty("scode").GetInt32());
        Assert.Equal(1, nib.GetProperty("qcode").GetInt32());
        // The slice step is not perpendicular to the plane (gantry-tilt-like shear): the qform is the nearest rigid
        // version, so only the in-plane axes and the origin agree exactly.
        var qform = Matrix(nib.GetProperty("qform"));
        for (var r = 0; r < 3; r++)
        {
            Assert.Equal(affine[r][0], qform[r][0], 4);
            Assert.Equal(affine[r][1], qform[r][1], 4);
            Assert.Equal(affine[r][3], qform[r][3], 4);
        }

        Assert.Equal("mm", nib.GetProperty("units")[0].GetString());
        var zooms = Doubles(nib.GetProperty("zooms"));
        Assert.Equal(0.75, zooms[0], 5);
        Assert.Equal(0.6, zooms[1], 5);
        Assert.Equal(hu.Select(v => (float)v).ToArray(), ReadFloats(dir.File("values.f32")));
    }

    [Fact]
    public void Write_FloatCamNii_NibabelReadsValuesCalRangeAndRigidQform()
    {
        using var dir = new RenderTempDir();
        const int slices = 4, rows = 6, cols = 8;
        var cam = new float[slices * rows * cols];
        for (var i = 0; i < cam.Length; i++)
        {
            cam[i] = MathF.Sin(i * 0.37f) * 0.5f + 0.5f;
        }

        double[] ipp = [10, -20, 30], ps = [1.25, 1.5];
        var step = NiftiAffine.SliceStep(ipp, ipp, 1, ObliqueIop, 3.0);
        var ras = NiftiAffine.FromDicomImagePlane(ipp, ObliqueIop, ps, step).FlipLpsRas();
        var path = dir.File("cam.nii");
        NiftiWriter.Write(path, NiftiVolume.FromSlices(cam, slices, rows, cols, ras) with
        {
            CalMin = 0,
            CalMax = 1,
            Description = "MedCam gradcam test-model 1.0 class COVID-19",
        });

        var nib = Nibabel(path, dir.File("values.f32"), ipp, ObliqueIop, ps, step);

        Assert.Equal([cols, rows, slices], Ints(nib.GetProperty("shape")));
        Assert.Equal("float32", nib.GetProperty("dtype").GetString());
        AssertClose(Matrix(nib.GetProperty("expected")), Matrix(nib.GetProperty("affine")), 1e-5);
        AssertClose(Matrix(nib.GetProperty("expected")), Matrix(nib.GetProperty("qform")), 1e-4);
        Assert.Equal([0.0, 1.0], Doubles(nib.GetProperty("cal")));
        Assert.Equal("MedCam gradcam test-model 1.0 class COVID-19", nib.GetProperty("descrip").GetString());
        Assert.Equal(cam, ReadFloats(dir.File("values.f32")));
        Assert.Equal(NiftiHeader.SingleFileDataOffset + (cam.Length * 4), new FileInfo(path).Length);
    }

    [Fact]
    public void Write_4DCine_TimeStepAndUnitsInHeader()
    {
        using var dir = new RenderTempDir();
        var data = new float[3 * 4 * 1 * 5];
        var path = dir.File("cine.nii.gz");
        NiftiWriter.Write(path, NiftiVolume.Create(data, [3, 4, 1, 5], NiftiAffine.Identity) with { TimeStepSeconds = 0.04f });

        var nib = Nibabel(path, dir.File("v.f32"));

        Assert.Equal([3, 4, 1, 5], Ints(nib.GetProperty("shape")));
        Assert.Equal("sec", nib.GetProperty("units")[1].GetString());
        Assert.Equal(0.04, Doubles(nib.GetProperty("zooms"))[3], 6);
    }

    [Theory]
    [InlineData("<", "int16")]
    [InlineData(">", "int16")]
    [InlineData(">", "float64")]
    [InlineData("<", "uint8")]
    public void Read_NibabelWrittenQformOnlyScaled_AffineAndScaledValuesMatch(string endianness, string dtype)
    {
        using var dir = new RenderTempDir();
        var path = dir.File("nib.nii.gz");
        var stdout = RenderPython.Run(
            """
            import sys, json
            import numpy as np
            import nibabel as nib
            rng = np.random.default_rng(5)
            dtype = sys.argv[3]
            data = (rng.integers(0, 200, size=(6, 5, 4)) - (0 if dtype == "uint8" else 50)).astype(dtype)
            theta = 0.4
            aff = np.array([[0.9 * np.cos(theta), -0.8 * np.sin(theta), 0, -30.5],
                            [0.9 * np.sin(theta), 0.8 * np.cos(theta), 0, 12.25],
                            [0, 0, -2.5, 40.0],
                            [0, 0, 0, 1]])
            hdr = nib.Nifti1Header(endianness=sys.argv[2])
            img = nib.Nifti1Image(data, None, hdr)
            img.set_qform(aff, code=1)
            img.set_sform(None, code=0)
            img.header.set_slope_inter(2.0, -10.0)
            img.header.set_data_dtype(dtype)
            nib.save(img, sys.argv[1])
            back = nib.load(sys.argv[1])
            np.asarray(back.get_fdata(), dtype="<f4").ravel(order="F").tofile(sys.argv[1] + ".f32")
            print(json.dumps({"affine": back.affine.tolist()}))
            """,
            ["nibabel", "numpy"],
            path,
            endianness,
            dtype);
        var expected = Matrix(JsonDocument.Parse(stdout).RootElement.GetProperty("affine"));

        var volume = NiftiReader.Read(path);

        Assert.Equal([6, 5, 4], volume.Dimensions);
        Assert.Equal(NiftiXformCode.ScannerAnatomical, volume.XformCode);
        Assert.Equal(endianness == ">", volume.SourceHeader!.BigEndian);
        for (var r = 0; r < 3; r++)
        {
            for (var c = 0; c < 4; c++)
            {
                Assert.Equal(expected[r][c], volume.Affine[r, c], 4);
            }
        }

        Assert.Equal(ReadFloats(path + ".f32"), volume.ToSingles());
    }

    [Fact]
    public void WriteThenRead_Float32_OwnReaderRoundTrip()
    {
        using var dir = new RenderTempDir();
        var data = Enumerable.Range(0, 2 * 3 * 4).Select(i => i * 0.25f).ToArray();
        var ras = NiftiAffine.FromDicomImagePlane([1, 2, 3], ObliqueIop, [0.5, 0.6], [0.1, 0.2, 2]).FlipLpsRas();
        NiftiWriter.Write(dir.File("r.nii.gz"), NiftiVolume.FromSlices(data, 2, 3, 4, ras));

        var back = NiftiReader.Read(dir.File("r.nii.gz"));

        Assert.Equal([4, 3, 2], back.Dimensions);
        Assert.Equal(data, back.GetData<float>());
        Assert.True(back.Affine.ApproximatelyEquals(ras, 1e-4), back.Affine.ToString());
    }

    [Fact]
    public void Read_Truncated_ClearError()
    {
        using var dir = new RenderTempDir();
        var ms = new MemoryStream();
        NiftiWriter.Write(ms, NiftiVolume.Create(new float[64], [4, 4, 4], NiftiAffine.Identity), gzip: false);
        File.WriteAllBytes(dir.File("t.nii"), ms.ToArray()[..400]);

        var ex = Assert.Throws<InvalidDataException>(() => NiftiReader.Read(dir.File("t.nii")));

        Assert.Contains("voxel data", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NotNifti_ClearError()
    {
        var ex = Assert.Throws<InvalidDataException>(() => NiftiReader.Read(new MemoryStream(new byte[400])));

        Assert.Contains("sizeof_hdr", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ShapeMismatch_ErrorNamesCounts()
    {
        var ex = Assert.Throws<ArgumentException>(() => NiftiVolume.Create(new float[10], [2, 2, 2], NiftiAffine.Identity));

        Assert.Contains("8 voxels", ex.Message, StringComparison.Ordinal);
    }

    private static JsonElement Nibabel(string path, string valuesPath, params double[][] geometry)
    {
        var args = new List<string> { path, valuesPath };
        args.AddRange(geometry.Select(g => JsonSerializer.Serialize(g)));
        return JsonDocument.Parse(RenderPython.Run(NibabelDump, ["nibabel", "numpy"], [.. args])).RootElement;
    }

    private static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    private static double[][] Matrix(JsonElement e) => e.EnumerateArray().Select(Doubles).ToArray();

    private static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    private static void AssertClose(double[][] expected, double[][] actual, double tolerance)
    {
        for (var r = 0; r < 4; r++)
        {
            for (var c = 0; c < 4; c++)
            {
                Assert.True(
                    Math.Abs(expected[r][c] - actual[r][c]) <= tolerance,
                    string.Create(CultureInfo.InvariantCulture, $"[{r},{c}] expected {expected[r][c]} got {actual[r][c]}"));
            }
        }
    }
}
