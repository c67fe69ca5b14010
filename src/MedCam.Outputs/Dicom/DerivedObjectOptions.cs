namespace MedCam.Outputs.Dicom;

/// <summary>Choices shared by every derived DICOM object.</summary>
public sealed record DerivedObjectOptions
{
    public static DerivedObjectOptions Default { get; } = new();

    /// <summary>Instance creation and content date/time; now when null. Fix it to make files byte-identical across runs.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Series Number (0020,0011) of the SC series; the multi-frame SC and the Parametric Map take the next two.</summary>
    public int SeriesNumber { get; init; } = 9001;

    /// <summary>Name of the producing software in SC Equipment and Software Versions.</summary>
    public string SoftwareName { get; init; } = "MedCam";

    public string SoftwareVersion { get; init; } = typeof(DerivedObjectOptions).Assembly.GetName().Version?.ToString(3) ?? "0.1.0";

    /// <summary>Frame Time (ms) of a multi-frame SC made from a CT stack (one frame per slice).</summary>
    public double StackFrameTimeMilliseconds { get; init; } = 100;
}
