using System.Text.Json;
using MedCam.Dicom;
using MedCam.Imaging.NumPy;
using MedCam.Outputs.Dicom;
using MedCam.Outputs.Sources;
using MedCam.Outputs.Tests.Infrastructure;

namespace MedCam.Outputs.Tests;

/// <summary>What the derived objects say, read back by pydicom: references, copied patient/study, AIR identity, cine, float map.</summary>
[Collection("outputs")]
public sealed class DerivedObjectTests(OutputsFixture fixture)
{
    [Fact]
    public void SecondaryCaptureSeries_CtSource_EachSliceReferencesItsSourceInstance()
    {
        var read = PyDicom.Read(fixture.CtSc.Select(s => s.Path).ToArray());
        Assert.Equal(TestSources.CtSlices, read.Length);
        for (var k = 0; k < read.Length; k++)
        {
            var sources = read[k].GetProperty("sources");
            Assert.Equal(1, sources.GetArrayLength());
            Assert.Equal(fixture.CtSopInstanceUids[k], sources[0][0].GetString());
            Assert.Equal("121322", sources[0][2].GetString());
            var referenced = read[k].GetProperty("referencedSeries")[0];
            Assert.Equal(DicomUid.FromName("medcam-test-series", "ct").Value, referenced[0].GetString());
            Assert.Equal(fixture.CtSopInstanceUids[k], referenced[1][0].GetString());
            Assert.Equal([TestSources.Rendered.Height, TestSources.Rendered.Width, 3], read[k].GetProperty("pixelShape").EnumerateArray().Select(e => e.GetInt32()));
        }
    }

    [Fact]
    public void SecondaryCaptureSeries_SmallSourceDefaultPlacement_MagnifiedWithBandsAndNoPixelSpacing()
    {
        var d = PyDicom.Read(fixture.CtSc[0].Path)[0];

        // 128-pixel slices: twice the size, text in bands above and below, so the SC no longer has the source's grid.
        Assert.Equal(TestSources.Size * TestSources.Zoom, TestSources.Rendered.Width);
        Assert.True(TestSources.Rendered.Height > TestSources.Size * TestSources.Zoom);
        Assert.Equal([TestSources.Rendered.Height, TestSources.Rendered.Width, 3], d.GetProperty("pixelShape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(0, d.GetProperty("pixelSpacing").GetArrayLength());
    }

    [Fact]
    public void SecondaryCaptureSeries_CornersPlacement_KeepsSourceGridAndPixelSpacing()
    {
        using var ct = SourceImageSet.Load(fixture.CtDirectory);
        using var temp = new TempDir();
        var written = SecondaryCaptureSeriesWriter.Write(ct, TestSources.Cam(ct.FrameCount), OutputsFixture.Explanation, temp.Path,
            new RenderSettings { Placement = MedCam.Imaging.Rendering.AnnotationPlacement.Corners });

        var d = PyDicom.Read(written[0].Path)[0];

        Assert.Equal([TestSources.Size, TestSources.Size, 3], d.GetProperty("pixelShape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(2, d.GetProperty("pixelSpacing").GetArrayLength());
    }

    [Fact]
    public void SecondaryCaptureSeries_CtSource_CopiesPatientAndStudyIntoNewSeries()
    {
        var d = PyDicom.Read(fixture.CtSc[0].Path)[0];
        Assert.Equal(TestSources.StudyUid("ct"), d.GetProperty("study").GetString());
        Assert.NotEqual(DicomUid.FromName("medcam-test-series", "ct").Value, d.GetProperty("series").GetString());
        Assert.Equal("Test^ct", d.GetProperty("patientName").GetString());
        Assert.Equal("MC-CT", d.GetProperty("patientId").GetString());
        Assert.Equal("OT", d.GetProperty("modality").GetString());
        Assert.Equal(["DERIVED", "SECONDARY"], d.GetProperty("imageType").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("YES", d.GetProperty("burnedIn").GetString());
        Assert.Equal("00", d.GetProperty("lossy").GetString());
        Assert.Contains("not for diagnosis", d.GetProperty("seriesDescription").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(string.Empty, d.GetProperty("frameOfReference").GetString());
    }

    [Fact]
    public void ContributingEquipment_AnyOutput_NamesTheAlgorithmPerIheAir()
    {
        var all = PyDicom.Read(fixture.CtSc[0].Path, fixture.CtMfsc.Path, fixture.CtPmap.Path, fixture.UsMfsc.Path);
        foreach (var d in all)
        {
            var item = d.GetProperty("equipment")[0].EnumerateArray().Select(e => e.GetString()).ToArray();
            Assert.Equal<string>(["Newcode1", "99IHE", "Processing Algorithm", "MedCam Research", "CovidCT3D", "1.2.0"], item[..6]!);
            Assert.Equal(OutputsFixture.Explanation.Model.DeviceUid, item[6]);
            Assert.True(DicomUid.IsValidValue(item[6]!));
        }
    }

    [Fact]
    public void MultiFrameSc_UltrasoundCine_KeepsFrameTimeModalityAndLossyFlag()
    {
        var d = PyDicom.Read(fixture.UsMfsc.Path)[0];
        Assert.Equal(DicomUids.MultiFrameTrueColorSecondaryCaptureImageStorage.Value, d.GetProperty("sopClass").GetString());
        Assert.Equal("US", d.GetProperty("modality").GetString());
        Assert.Equal(TestSources.UsFrames, d.GetProperty("frames").GetInt32());
        Assert.Equal(TestSources.UsFrameTime, d.GetProperty("frameTime").GetDouble(), 6);
        Assert.Equal("(0018, 1063)", d.GetProperty("frameIncrementPointer").GetString());
        Assert.Equal("01", d.GetProperty("lossy").GetString());
        var source = d.GetProperty("sources")[0];
        Assert.Equal(fixture.UsSopInstanceUid, source[0].GetString());
        Assert.Equal(Enumerable.Range(1, TestSources.UsFrames), source[1].EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([TestSources.UsFrames, TestSources.Rendered.Height, TestSources.Rendered.Width, 3], d.GetProperty("pixelShape").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void SecondaryCaptureSeries_UltrasoundCine_ReferencesEachSourceFrameNumber()
    {
        var read = PyDicom.Read(fixture.UsSc.Select(s => s.Path).ToArray());
        for (var k = 0; k < read.Length; k++)
        {
            var source = read[k].GetProperty("sources")[0];
            Assert.Equal(fixture.UsSopInstanceUid, source[0].GetString());
            Assert.Equal([k + 1], source[1].EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal("US", read[k].GetProperty("modality").GetString());
        }
    }

    [Fact]
    public void MultiFrameSc_CtStack_OneFramePerSliceInVolumeOrder()
    {
        var d = PyDicom.Read(fixture.CtMfsc.Path)[0];
        Assert.Equal(TestSources.CtSlices, d.GetProperty("frames").GetInt32());
        Assert.Equal("(0018, 1063)", d.GetProperty("frameIncrementPointer").GetString());
        Assert.Equal(fixture.CtSopInstanceUids, d.GetProperty("sources").EnumerateArray().Select(s => s[0].GetString()));
    }

    [Fact]
    public void SecondaryCapture_NonAsciiPatientName_DeclaresIsoIr192AndRoundTrips()
    {
        var d = PyDicom.Read(fixture.HistologySc[0].Path)[0];
        Assert.Equal("ISO_IR 192", d.GetProperty("charset").GetString());
        Assert.Equal("Müller^Zoë", d.GetProperty("patientName").GetString());
        Assert.Equal(fixture.HistologySopInstanceUid, d.GetProperty("sources")[0][0].GetString());
    }

    [Fact]
    public void ParametricMap_CtVolume_HoldsCamValuesOnSourceGeometry()
    {
        var d = PyDicom.Read(fixture.CtPmap.Path)[0];
        Assert.Equal(DicomUids.ParametricMapStorage.Value, d.GetProperty("sopClass").GetString());
        Assert.Equal(DicomUid.FromName("medcam-test-for", "ct").Value, d.GetProperty("frameOfReference").GetString());
        Assert.Equal(["DERIVED", "PRIMARY", "VOLUME", "NONE"], d.GetProperty("imageType").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(fixture.CtSopInstanceUids, d.GetProperty("derivedFrom").EnumerateArray().Select(e => e.GetString()));
        var positions = d.GetProperty("positions").EnumerateArray().ToArray();
        for (var k = 0; k < positions.Length; k++)
        {
            Assert.Equal(-100.0 + (2.5 * k), positions[k][2].GetDouble(), 6);
            Assert.Equal(-80.0, positions[k][0].GetDouble(), 6);
        }

        Assert.Equal([1.0, 0, 0, 0, 1, 0], d.GetProperty("orientation").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([1.0, 0.0], d.GetProperty("realWorld").EnumerateArray().Select(e => e.GetDouble()));
        var values = NpyFile.ReadSingle(fixture.CtPmap.Path + ".values.npy", out var shape);
        Assert.Equal([TestSources.CtSlices, TestSources.Size, TestSources.Size], shape);
        Assert.Equal(TestSources.Cam(TestSources.CtSlices).Values, values);
    }

    [Fact]
    public void ParametricMap_UInt16Encoding_RealWorldMappingGivesTheCamBack()
    {
        var d = PyDicom.Read(fixture.CtPmap16.Path)[0];
        var slopeIntercept = d.GetProperty("realWorld").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var stored = NpyFile.ReadSingle(fixture.CtPmap16.Path + ".values.npy", out _);
        var cam = TestSources.Cam(TestSources.CtSlices);
        var tolerance = (cam.Maximum - cam.Minimum) / 65535.0;
        for (var i = 0; i < stored.Length; i += 97)
        {
            Assert.Equal(cam.Values[i], (stored[i] * slopeIntercept[0]) + slopeIntercept[1], tolerance);
        }

        Assert.NotEqual(fixture.CtPmap.SopInstanceUid, fixture.CtPmap16.SopInstanceUid);
        Assert.Equal(fixture.CtSopInstanceUids, d.GetProperty("derivedFrom").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Uids_SameInputsTwice_AreIdentical()
    {
        using var temp = new TempDir();
        using var ct = SourceImageSet.Load(fixture.CtDirectory);
        var cam = TestSources.Cam(ct.FrameCount);
        var later = OutputsFixture.Options with { CreatedAt = DateTimeOffset.UtcNow };
        var again = SecondaryCaptureSeriesWriter.Write(ct, cam, OutputsFixture.Explanation, temp.Sub("again"), OutputsFixture.Render, later);
        Assert.Equal(fixture.CtSc.Select(s => s.SopInstanceUid), again.Select(s => s.SopInstanceUid));
        Assert.Equal(fixture.CtSc[0].SeriesInstanceUid, again[0].SeriesInstanceUid);
        var pmap = ParametricMapWriter.Write(ct, cam, OutputsFixture.Explanation with { Parameters = new Dictionary<string, string> { ["smooth"] = "none", ["layer"] = "layer4" } },
            Path.Combine(temp.Path, "pmap.dcm"), later);
        Assert.Equal(fixture.CtPmap.SopInstanceUid, pmap.SopInstanceUid);
        Assert.Equal(again[3].SopInstanceUid, PyDicom.Read(again[3].Path)[0].GetProperty("sop").GetString());
    }

    [Theory]
    [InlineData("method")]
    [InlineData("parameters")]
    [InlineData("model")]
    [InlineData("target")]
    public void Uids_DifferentExplanation_AreAllDifferent(string change)
    {
        using var temp = new TempDir();
        using var ct = SourceImageSet.Load(fixture.CtDirectory);
        var e = OutputsFixture.Explanation;
        var changed = change switch
        {
            "method" => e with { Method = "Grad-CAM++" },
            "parameters" => e with { Parameters = new Dictionary<string, string> { ["layer"] = "layer3" } },
            "model" => e with { Model = new ModelIdentity("CovidCT3D", "1.3.0", "MedCam Research") },
            _ => e with { TargetClass = "pneumonia" },
        };
        var other = SecondaryCaptureSeriesWriter.Write(ct, TestSources.Cam(ct.FrameCount), changed, temp.Path, OutputsFixture.Render, OutputsFixture.Options);
        Assert.NotEqual(fixture.CtSc[0].SeriesInstanceUid, other[0].SeriesInstanceUid);
        Assert.Empty(other.Select(o => o.SopInstanceUid).Intersect(fixture.CtSc.Select(s => s.SopInstanceUid)));
    }

    [Fact]
    public void SourceImageSet_CtSeries_FollowsSeriesVolumeBuilderOrder()
    {
        using var ct = SourceImageSet.Load(fixture.CtDirectory);
        Assert.Equal(SourceKind.Volume, ct.Kind);
        var volume = MedCam.Dicom.Geometry.SeriesVolumeBuilder.BuildFromDirectory(fixture.CtDirectory);
        Assert.Equal(volume.SopInstanceUids, ct.FrameReferences.Select(r => r.SopInstanceUid));
        Assert.Equal(fixture.CtSopInstanceUids, volume.SopInstanceUids);
    }

    [Fact]
    public void Writers_CamOfWrongShape_FailNamingBothShapes()
    {
        using var ct = SourceImageSet.Load(fixture.CtDirectory);
        using var temp = new TempDir();
        var wrong = new CamMap(new float[7 * 64 * 64], 7, 64, 64);
        var error = Assert.Throws<ArgumentException>(() => SecondaryCaptureSeriesWriter.Write(ct, wrong, OutputsFixture.Explanation, temp.Path));
        Assert.Contains("(7, 64, 64)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(8, 128, 128)", error.Message, StringComparison.Ordinal);
        using var us = SourceImageSet.Load(fixture.UsPath);
        var pmap = Assert.Throws<ArgumentException>(() => ParametricMapWriter.Write(us, TestSources.Cam(us.FrameCount), OutputsFixture.Explanation, Path.Combine(temp.Path, "p.dcm")));
        Assert.Contains("volume", pmap.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dcmj2pnm_CtScAndMultiFrame_RendersHeatmapWhereTheCamIsHigh()
    {
        var slice = Path.Combine(fixture.ArtifactDirectory, "ct-sc-slice4.png");
        var (code, output) = Tool.Run("dcmj2pnm", "+on", "-il", fixture.CtSc[3].Path, slice);
        Assert.True(code == 0, output);
        var frame = Path.Combine(fixture.ArtifactDirectory, "us-mfsc-frame3.png");
        (code, output) = Tool.Run("dcmj2pnm", "+on", "-il", "+F", "3", fixture.UsMfsc.Path, frame);
        Assert.True(code == 0, output);
        foreach (var png in new[] { slice, frame })
        {
            var image = MedCam.Imaging.Png.PngDecoder.Decode(File.ReadAllBytes(png));
            Assert.Equal(TestSources.Rendered.Width, image.Width);
            var (zoom, top) = (TestSources.Zoom, TestSources.ImageTop);
            var hot = Pixel(image, zoom * (int)(0.6 * TestSources.Size), top + (zoom * (int)(0.4 * TestSources.Size)));
            var cold = Pixel(image, zoom * (int)(0.15 * TestSources.Size), top + (zoom * TestSources.Size / 2));
            Assert.True(hot.R > hot.B + 60, $"{png}: the CAM peak should be red in jet, got {hot}.");
            Assert.True(Math.Abs(cold.R - cold.B) < 8 && Math.Abs(cold.G - cold.B) < 8, $"{png}: far from the CAM the source should stay grey, got {cold}.");
        }
    }

    private static (int R, int G, int B) Pixel(MedCam.Imaging.Png.PngImage image, int x, int y)
    {
        Assert.Equal(3, image.Channels);
        var i = ((y * image.Width) + x) * 3;
        return (image.Samples[i], image.Samples[i + 1], image.Samples[i + 2]);
    }
}
