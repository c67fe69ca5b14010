using System.Numerics;

namespace MedCam.Dicom.Geometry;

/// <summary>A multi-frame cine (e.g. ultrasound) as T x H x W (x C) samples with its frame timing.</summary>
public sealed class DicomCine<T>
    where T : unmanaged, INumber<T>
{
    internal DicomCine(T[] samples, int frames, int rows, int columns, int channels, double frameTimeMs)
    {
        Samples = samples;
        Frames = frames;
        Rows = rows;
        Columns = columns;
        Channels = channels;
        FrameTimeMs = frameTimeMs;
    }

    /// <summary>Frame-major samples: [frame, row, column] for grey, [frame, row, column, rgb] for colour.</summary>
    public T[] Samples { get; }

    public int Frames { get; }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>1 for grey, 3 for RGB (YBR and palette are converted).</summary>
    public int Channels { get; }

    /// <summary>Milliseconds between frames; 0 when the object does not say.</summary>
    public double FrameTimeMs { get; }

    public int[] Shape => Channels == 1 ? [Frames, Rows, Columns] : [Frames, Rows, Columns, Channels];

    public ReadOnlySpan<T> Frame(int index) => Samples.AsSpan(index * Rows * Columns * Channels, Rows * Columns * Channels);
}

/// <summary>Loads multi-frame images as cines; frame timing from Frame Time, Frame Time Vector, Cine Rate or display rate (PS3.3 C.7.6.5).</summary>
public static class CineLoader
{
    public static DicomCine<T> Load<T>(DicomFile file, DicomCodecRegistry? codecs = null)
        where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(file);
        var pixels = DicomPixelData.Create(file, codecs);
        var d = pixels.Description;
        var channels = d.SamplesPerPixel == 1 && d.PhotometricInterpretation != "PALETTE COLOR" ? 1 : 3;
        var frameLength = d.Rows * d.Columns * channels;
        var samples = new T[checked(frameLength * pixels.NumberOfFrames)];
        for (var f = 0; f < pixels.NumberOfFrames; f++)
        {
            pixels.GetFrame<T>(f).CopyTo(samples.AsSpan(f * frameLength));
        }

        return new DicomCine<T>(samples, pixels.NumberOfFrames, d.Rows, d.Columns, channels, FrameTime(file.Dataset));
    }

    public static double FrameTime(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.TryGet<double>(DicomTags.FrameTime, out var frameTime) && frameTime > 0)
        {
            return frameTime;
        }

        if (dataset.TryGet<double[]>(DicomTags.FrameTimeVector, out var vector) && vector.Length > 1)
        {
            return vector.Skip(1).Average(); // the first entry is 0 (PS3.3 C.7.6.5.1.2)
        }

        if (dataset.TryGet<double>(DicomTags.CineRate, out var rate) && rate > 0)
        {
            return 1000.0 / rate;
        }

        return dataset.TryGet<double>(DicomTags.RecommendedDisplayFrameRate, out var display) && display > 0 ? 1000.0 / display : 0;
    }
}
