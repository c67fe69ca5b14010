using MedCam.Imaging.ColorMaps;
using MedCam.Imaging.Rendering;
using MedCam.Outputs.Dicom;
using MedCam.Outputs.Sources;

namespace MedCam.Outputs.Tests.Infrastructure;

/// <summary>
/// Writes the three test sources and every derived object once per test run; test classes share it through
/// the "outputs" collection. Artifacts worth keeping (screenshots, rendered frames) go to <see cref="ArtifactDirectory"/>.
/// </summary>
public sealed class OutputsFixture : IDisposable
{
    private readonly TempDir _temp = new();

    public OutputsFixture()
    {
        CtDirectory = _temp.Sub("source-ct");
        CtSopInstanceUids = TestSources.WriteCtSeries(CtDirectory);
        UsPath = Path.Combine(_temp.Sub("source-us"), "cine.dcm");
        UsSopInstanceUid = TestSources.WriteUltrasoundCine(UsPath);
        HistologyPath = Path.Combine(_temp.Sub("source-histo"), "tile.dcm");
        HistologySopInstanceUid = TestSources.WriteHistology(HistologyPath);
        ArtifactDirectory = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(ArtifactDirectory);

        using (var ct = SourceImageSet.Load(CtDirectory))
        {
            var cam = TestSources.Cam(ct.FrameCount);
            CtSc = SecondaryCaptureSeriesWriter.Write(ct, cam, Explanation, _temp.Sub("ct-sc"), Render, Options);
            CtMfsc = MultiFrameSecondaryCaptureWriter.Write(ct, cam, Explanation, Path.Combine(_temp.Path, "ct-mfsc.dcm"), Render, Options);
            CtPmap = ParametricMapWriter.Write(ct, cam, Explanation, Path.Combine(_temp.Path, "ct-pmap.dcm"), Options);
            CtPmap16 = ParametricMapWriter.Write(ct, cam, Explanation, Path.Combine(_temp.Path, "ct-pmap16.dcm"), Options, ParametricMapEncoding.UInt16);
        }

        using (var us = SourceImageSet.Load(UsPath))
        {
            var cam = TestSources.Cam(us.FrameCount);
            UsSc = SecondaryCaptureSeriesWriter.Write(us, cam, Explanation, _temp.Sub("us-sc"), Render, Options);
            UsMfsc = MultiFrameSecondaryCaptureWriter.Write(us, cam, Explanation, Path.Combine(_temp.Path, "us-mfsc.dcm"), Render, Options);
        }

        using (var histo = SourceImageSet.Load(HistologyPath))
        {
            HistologySc = SecondaryCaptureSeriesWriter.Write(histo, TestSources.Cam(1), Explanation with { TargetClass = "infiltrative" }, _temp.Sub("histo-sc"),
                Render with { Heatmap = new HeatmapStyle { ColorMap = ColorMap.Inferno, Opacity = 0.5f, Threshold = 0.3f } }, Options);
        }
    }

    public static ExplanationDescription Explanation { get; } = new()
    {
        Model = new ModelIdentity("CovidCT3D", "1.2.0", "MedCam Research"),
        Method = "Grad-CAM",
        TargetClass = "COVID-19",
        Probability = 0.87,
        Parameters = new Dictionary<string, string> { ["layer"] = "layer4", ["smooth"] = "none" },
    };

    public static RenderSettings Render { get; } = new() { Window = VoiWindow.Lung };

    public static DerivedObjectOptions Options { get; } = new() { CreatedAt = new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero) };

    public string Root => _temp.Path;

    public string CtDirectory { get; }

    public string[] CtSopInstanceUids { get; }

    public string UsPath { get; }

    public string UsSopInstanceUid { get; }

    public string HistologyPath { get; }

    public string HistologySopInstanceUid { get; }

    public string ArtifactDirectory { get; }

    public IReadOnlyList<WrittenInstance> CtSc { get; }

    public WrittenInstance CtMfsc { get; }

    public WrittenInstance CtPmap { get; }

    public WrittenInstance CtPmap16 { get; }

    public IReadOnlyList<WrittenInstance> UsSc { get; }

    public WrittenInstance UsMfsc { get; }

    public IReadOnlyList<WrittenInstance> HistologySc { get; }

    /// <summary>Every output variant by name.</summary>
    public IReadOnlyList<WrittenInstance> Variant(string name) => name switch
    {
        "ct-sc" => CtSc,
        "ct-mfsc" => [CtMfsc],
        "ct-pmap" => [CtPmap],
        "ct-pmap16" => [CtPmap16],
        "us-sc" => UsSc,
        "us-mfsc" => [UsMfsc],
        "histo-sc" => HistologySc,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown variant."),
    };

    public static TheoryData<string> Variants => new() { "ct-sc", "ct-mfsc", "ct-pmap", "ct-pmap16", "us-sc", "us-mfsc", "histo-sc" };

    /// <summary>Variants Orthanc 1.10 can render (it cannot decode Float Pixel Data).</summary>
    public static TheoryData<string> RenderableVariants => new() { "ct-sc", "ct-mfsc", "ct-pmap16", "us-sc", "us-mfsc", "histo-sc" };

    public void Dispose() => _temp.Dispose();
}

[CollectionDefinition("outputs")]
public sealed class OutputsCollection : ICollectionFixture<OutputsFixture>;
