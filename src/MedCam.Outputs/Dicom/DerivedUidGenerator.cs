using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MedCam.Dicom;
using MedCam.Outputs.Sources;

namespace MedCam.Outputs.Dicom;

/// <summary>
/// Deterministic series and instance UIDs (DicomUid.FromName): the same source instances, model, method, target,
/// parameters (and, for rendered objects, the same rendering) give the same UIDs, so a re-run replaces the result in
/// the PACS instead of adding a copy; any difference gives new UIDs.
/// </summary>
public sealed class DerivedUidGenerator
{
    private readonly string[] _key;

    public DerivedUidGenerator(SourceImageSet source, ExplanationDescription explanation)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(explanation);
        var instances = string.Join('\n', source.FrameReferences.Select(r => r.SopInstanceUid + "/" + r.FrameNumber?.ToString(CultureInfo.InvariantCulture)));
        _key =
        [
            source.StudyInstanceUid,
            source.SeriesInstanceUid,
            Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(instances))),
            explanation.Model.Manufacturer,
            explanation.Model.Name,
            explanation.Model.Version,
            explanation.Method,
            explanation.TargetClass,
            explanation.CanonicalParameters,
        ];
    }

    /// <param name="kind">Which derived object.</param>
    /// <param name="renderKey">What changes the rendered pixels (<see cref="RenderSettings.Key"/>); null for the Parametric Map.</param>
    public string Series(DerivedObjectKind kind, string? renderKey) => DicomUid.FromName([.. _key, kind.ToString(), renderKey ?? string.Empty, "series"]).Value;

    public string Instance(DerivedObjectKind kind, string? renderKey, int index) =>
        DicomUid.FromName([.. _key, kind.ToString(), renderKey ?? string.Empty, "instance", index.ToString(CultureInfo.InvariantCulture)]).Value;

    /// <summary>Dimension Organization UID of a Parametric Map.</summary>
    public string DimensionOrganization() => DicomUid.FromName([.. _key, "dimension-organization"]).Value;
}
