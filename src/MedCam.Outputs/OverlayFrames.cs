using System.Globalization;
using MedCam.Imaging.Rendering;
using MedCam.Outputs.Sources;

namespace MedCam.Outputs;

/// <summary>Renders the CAM over each source frame with <see cref="OverlayRenderer"/> (text and colour bar burned in).</summary>
public sealed class OverlayFrames
{
    private readonly SourceImageSet _source;
    private readonly float[] _display;
    private readonly int _plane;
    private readonly ExplanationDescription _explanation;
    private readonly RenderSettings _settings;

    public OverlayFrames(SourceImageSet source, CamMap cam, ExplanationDescription explanation, RenderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(cam);
        ArgumentNullException.ThrowIfNull(explanation);
        ArgumentNullException.ThrowIfNull(settings);
        cam.EnsureMatches(source);
        _source = source;
        _display = cam.DisplayValues();
        _plane = cam.Rows * cam.Columns;
        _explanation = explanation;
        _settings = settings;
        (Width, Height) = OverlayRenderer.OutputSize(source.Columns, source.Rows, Options(0));
    }

    public int Width { get; }

    public int Height { get; }

    public int FrameLength => Width * Height * 3;

    public int Count => _source.FrameCount;

    /// <summary>Renders frame <paramref name="k"/> into <paramref name="destination"/> (<see cref="FrameLength"/> bytes, RGB interleaved).</summary>
    public void Render(int k, Span<byte> destination)
    {
        var frame = _source.ReadFrame(k, _settings.Window);
        OverlayRenderer.Render(frame, _display.AsSpan(k * _plane, _plane), Options(k), destination);
    }

    public byte[] Render(int k)
    {
        var pixels = new byte[FrameLength];
        Render(k, pixels);
        return pixels;
    }

    /// <summary>Every frame into one buffer (frames x height x width x 3), rendered in parallel.</summary>
    public byte[] RenderAll()
    {
        var all = new byte[checked(FrameLength * Count)];
        Parallel.For(0, Count, k => Render(k, all.AsSpan(k * FrameLength, FrameLength)));
        return all;
    }

    private OverlayOptions Options(int k) => new()
    {
        Heatmap = _settings.Heatmap,
        Placement = _settings.Placement,
        Annotations = new OverlayAnnotations
        {
            ModelName = _explanation.Model.Name,
            ModelVersion = _explanation.Model.Version,
            Method = _explanation.Method,
            TargetClass = _explanation.TargetClass,
            Probability = _explanation.Probability,
            Detail = Count > 1
                ? string.Create(CultureInfo.InvariantCulture, $"{(_source.Kind == SourceKind.Volume ? "slice" : "frame")} {k + 1}/{Count}")
                : null,
        },
    };
}
