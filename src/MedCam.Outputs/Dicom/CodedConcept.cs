using MedCam.Dicom;

namespace MedCam.Outputs.Dicom;

/// <summary>A coded entry (PS3.3 8.8, Code Sequence Macro) and the codes MedCam writes.</summary>
public sealed record CodedConcept(string Value, string Scheme, string Meaning)
{
    /// <summary>IHE AIR: Purpose of Reference of the algorithm in Contributing Equipment Sequence.</summary>
    public static CodedConcept ProcessingAlgorithm { get; } = new("Newcode1", "99IHE", "Processing Algorithm");

    /// <summary>DCM 121322, CID 7202: the Purpose of Reference of each source image.</summary>
    public static CodedConcept SourceImageForProcessing { get; } = new("121322", "DCM", "Source image for image processing operation");

    /// <summary>
    /// Derivation code of Parametric Map frames. CID 7203 (Image Derivation) has no concept for an explanation map,
    /// and the context group is extensible, so MedCam uses a private coding scheme (PS3.3 8.2.2).
    /// </summary>
    public static CodedConcept ClassActivationMap { get; } = new("CAM", "99MEDCAM", "Class activation map");

    /// <summary>UCUM "1": a dimensionless quantity (the CAM has no unit).</summary>
    public static CodedConcept NoUnits { get; } = new("1", "UCUM", "no units");

    public DicomDataset ToItem() => new DicomDataset()
        .AddOrUpdate(DicomTags.CodeValue, Value)
        .AddOrUpdate(DicomTags.CodingSchemeDesignator, Scheme)
        .AddOrUpdate(DicomTags.CodeMeaning, Meaning);
}
