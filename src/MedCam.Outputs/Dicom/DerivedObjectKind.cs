namespace MedCam.Outputs.Dicom;

/// <summary>The DICOM objects MedCam derives from a source and a CAM.</summary>
public enum DerivedObjectKind
{
    /// <summary>One single-frame Secondary Capture (1.2.840.10008.5.1.4.1.1.7) per source frame.</summary>
    SecondaryCaptureSeries,

    /// <summary>One Multi-frame True Color Secondary Capture (1.2.840.10008.5.1.4.1.1.7.4).</summary>
    MultiFrameSecondaryCapture,

    /// <summary>One Parametric Map (1.2.840.10008.5.1.4.1.1.30) with the float CAM values.</summary>
    ParametricMap,
}
