namespace MedCam.Dicom;

/// <summary>One entry of a data set: a value element, a sequence, or encapsulated pixel data fragments.</summary>
public abstract class DicomItem
{
    protected DicomItem(DicomTag tag, DicomVR vr)
    {
        ArgumentNullException.ThrowIfNull(vr);
        Tag = tag;
        VR = vr;
    }

    public DicomTag Tag { get; }

    public DicomVR VR { get; }

    public override string ToString() => $"{Tag} {VR} {Tag.Keyword}";
}
