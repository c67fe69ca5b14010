namespace MedCam.Outputs.Dicom;

/// <summary>A DICOM file MedCam wrote, with the identifiers a PACS, a FHIR report or a test needs.</summary>
public sealed record WrittenInstance(
    string Path,
    DerivedObjectKind Kind,
    string StudyInstanceUid,
    string SeriesInstanceUid,
    string SopInstanceUid,
    string SopClassUid,
    int Rows,
    int Columns,
    int Frames);
