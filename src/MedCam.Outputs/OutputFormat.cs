namespace MedCam.Outputs;

/// <summary>What <see cref="HeatmapOutputWriter"/> writes; <c>medcam render --format</c> names.</summary>
[Flags]
public enum OutputFormat
{
    None = 0,

    /// <summary><c>sc</c>: a series of single-frame Secondary Captures, one per source frame.</summary>
    SecondaryCapture = 1,

    /// <summary><c>mfsc</c>: one Multi-frame True Color Secondary Capture.</summary>
    MultiFrameSecondaryCapture = 2,

    /// <summary><c>pmap</c>: a Parametric Map with the float CAM (CT volumes).</summary>
    ParametricMap = 4,

    /// <summary><c>fhir</c>: an R4 transaction Bundle (bundle.json) referencing the Secondary Captures.</summary>
    Fhir = 8,

    /// <summary><c>nifti</c>: cam.nii.gz (and source.nii.gz for volumes) with the DICOM geometry as RAS affine.</summary>
    Nifti = 16,

    /// <summary><c>png</c>: one preview PNG per frame.</summary>
    Png = 32,

    /// <summary><c>npy</c>: the CAM as float32 .npy.</summary>
    Npy = 64,
}

public static class OutputFormats
{
    private static readonly Dictionary<string, OutputFormat> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sc"] = OutputFormat.SecondaryCapture,
        ["mfsc"] = OutputFormat.MultiFrameSecondaryCapture,
        ["pmap"] = OutputFormat.ParametricMap,
        ["fhir"] = OutputFormat.Fhir,
        ["nifti"] = OutputFormat.Nifti,
        ["png"] = OutputFormat.Png,
        ["npy"] = OutputFormat.Npy,
    };

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    /// <summary>Parses names such as "sc", "mfsc,pmap"; throws naming the unknown one.</summary>
    public static OutputFormat Parse(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var result = OutputFormat.None;
        foreach (var name in names.SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            result |= ByName.TryGetValue(name, out var f)
                ? f
                : throw new ArgumentException($"Unknown output format '{name}'; choose from {string.Join(", ", ByName.Keys)}.");
        }

        return result;
    }
}
