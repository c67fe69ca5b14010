namespace MedCam.Imaging.Rendering;

/// <summary>What a source frame holds.</summary>
public enum SourceFrameKind
{
    /// <summary>8-bit grey shown as is (ultrasound, already windowed images).</summary>
    Gray8,

    /// <summary>8-bit RGB interleaved shown as is (histology, colour ultrasound).</summary>
    Rgb8,

    /// <summary>Modality values (CT Hounsfield units) shown through a VOI window.</summary>
    Modality,
}

/// <summary>One source frame (rows x cols) to draw a CAM over.</summary>
public readonly struct SourceFrame
{
    private SourceFrame(SourceFrameKind kind, int width, int height, ReadOnlyMemory<byte> bytes, ReadOnlyMemory<float> values, VoiWindow window)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Kind = kind;
        Width = width;
        Height = height;
        Bytes = bytes;
        Values = values;
        Window = window;
        var needed = (long)width * height * (kind == SourceFrameKind.Rgb8 ? 3 : 1);
        var have = kind == SourceFrameKind.Modality ? values.Length : bytes.Length;
        if (have != needed)
        {
            throw new ArgumentException($"A {width}x{height} {kind} frame needs {needed} samples; got {have}.");
        }
    }

    public SourceFrameKind Kind { get; }

    /// <summary>Columns.</summary>
    public int Width { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>Grey or RGB samples (Gray8, Rgb8).</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>Modality values (Modality).</summary>
    public ReadOnlyMemory<float> Values { get; }

    /// <summary>The VOI window of a Modality frame.</summary>
    public VoiWindow Window { get; }

    public static SourceFrame Gray8(ReadOnlyMemory<byte> pixels, int width, int height) =>
        new(SourceFrameKind.Gray8, width, height, pixels, default, default);

    public static SourceFrame Rgb8(ReadOnlyMemory<byte> pixels, int width, int height) =>
        new(SourceFrameKind.Rgb8, width, height, pixels, default, default);

    /// <summary>CT-like values (after the modality rescale) shown through <paramref name="window"/>.</summary>
    public static SourceFrame Modality(ReadOnlyMemory<float> values, int width, int height, VoiWindow window)
    {
        if (window.Width < 1)
        {
            throw new ArgumentException("A modality frame needs a VOI window (e.g. VoiWindow.Lung).", nameof(window));
        }

        return new(SourceFrameKind.Modality, width, height, default, values, window);
    }
}
