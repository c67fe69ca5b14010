using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using MedCam.Imaging.Png;
using MedCam.Imaging.Rendering;

namespace MedCam.Imaging.Benchmarks;

/// <summary>PNG encoding of a rendered 512 x 512 RGB frame: no filters (baseline) vs the adaptive heuristic.</summary>
[ShortRunJob]
[MemoryDiagnoser]
[MinColumn]
public class PngBenchmarks
{
    private byte[] _rgb = [];

    [GlobalSetup]
    public void Setup()
    {
        _rgb = OverlayRenderer.Render(SourceFrame.Modality(Phantom.Ct(512), 512, 512, VoiWindow.Lung), Phantom.Cam(512)).Pixels;
    }

    [Benchmark(Baseline = true)]
    public int NoFilterFastest() =>
        PngEncoder.EncodeRgb8(_rgb, 512, 512, new PngEncoderOptions { AdaptiveFilters = false, CompressionLevel = CompressionLevel.Fastest }).Length;

    [Benchmark]
    public int AdaptiveFastest() =>
        PngEncoder.EncodeRgb8(_rgb, 512, 512, new PngEncoderOptions { CompressionLevel = CompressionLevel.Fastest }).Length;

    [Benchmark]
    public int AdaptiveOptimal() => PngEncoder.EncodeRgb8(_rgb, 512, 512).Length;
}
