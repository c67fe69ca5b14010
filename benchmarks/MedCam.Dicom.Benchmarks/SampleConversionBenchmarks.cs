using BenchmarkDotNet.Attributes;

namespace MedCam.Dicom.Benchmarks;

/// <summary>One 512x512 signed 12-bit CT frame to float HU: MedCam's vectorised path against a plain scalar loop.</summary>
[MemoryDiagnoser]
[InProcess] // the generated out-of-process project would inherit the repo's warnings-as-errors build settings
public class SampleConversionBenchmarks
{
    private readonly float[] _destination = new float[512 * 512];
    private byte[] _bytes = [];
    private DicomPixelData _pixels = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var words = new short[512 * 512];
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = (short)random.Next(-2048, 2048);
        }

        _bytes = new byte[words.Length * 2];
        Buffer.BlockCopy(words, 0, _bytes, 0, _bytes.Length);
        var ds = new DicomDataset()
            .AddOrUpdate<ushort>(DicomTags.SamplesPerPixel, 1)
            .AddOrUpdate(DicomTags.PhotometricInterpretation, "MONOCHROME2")
            .AddOrUpdate<ushort>(DicomTags.Rows, 512)
            .AddOrUpdate<ushort>(DicomTags.Columns, 512)
            .AddOrUpdate<ushort>(DicomTags.BitsAllocated, 16)
            .AddOrUpdate<ushort>(DicomTags.BitsStored, 12)
            .AddOrUpdate<ushort>(DicomTags.HighBit, 11)
            .AddOrUpdate<ushort>(DicomTags.PixelRepresentation, 1)
            .AddOrUpdate<double>(DicomTags.RescaleIntercept, -1024)
            .AddOrUpdate<double>(DicomTags.RescaleSlope, 1)
            .AddOrUpdate(DicomElement.FromBytes(DicomTags.PixelData, DicomVR.OW, _bytes));
        _pixels = DicomPixelData.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian);
    }

    [Benchmark(Baseline = true)]
    public float ScalarLoop()
    {
        for (var i = 0; i < _destination.Length; i++)
        {
            var raw = (ushort)(_bytes[i * 2] | (_bytes[(i * 2) + 1] << 8));
            var value = (short)(raw << 4) >> 4; // 12 bits stored, sign-extended
            _destination[i] = (value * 1f) - 1024f;
        }

        return _destination[^1];
    }

    [Benchmark]
    public float MedCamReadFrameRescaled()
    {
        _pixels.ReadFrameRescaled(0, _destination);
        return _destination[^1];
    }
}
