namespace MedCam.Dicom;

/// <summary>A sequence of items (VR SQ, PS3.5 7.5); each item is a nested data set.</summary>
public sealed class DicomSequence : DicomItem
{
    public DicomSequence(DicomTag tag, IEnumerable<DicomDataset>? items = null)
        : base(tag, DicomVR.SQ) => Items = items is null ? [] : [.. items];

    public DicomSequence(DicomTag tag, params DicomDataset[] items)
        : this(tag, (IEnumerable<DicomDataset>)items)
    {
    }

    /// <summary>The items, in order. Mutable so writers can build sequences.</summary>
    public IList<DicomDataset> Items { get; }
}
